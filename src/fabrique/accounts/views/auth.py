"""Sign-up (with the charter), login and password reset, rate-limited."""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from fabrique.accounts.forms import SignupForm
from fabrique.accounts.services import address_in_use, warn_address_owners
from fabrique.core.ratelimit import Rate, ratelimit
from fabrique.core.ratelimit import _wait_text as wait_text


def _username_key(request: HttpRequest) -> str:
    return str(request.POST.get("username", "")).strip().lower()[:150]


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@ratelimit("signup", "RATELIMIT_SIGNUP")
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account; the charter must be accepted."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        holders = address_in_use(form.cleaned_data["email"])
        user = form.save()
        if holders:
            warn_address_owners(holders, username=user.username)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Welcome, %(name)s! Your account is ready.") % {"name": user.username},
        )
        return redirect(_safe_next(request, str(reverse_lazy("accounts:settings"))))
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": _safe_next(request, "")},
    )


def _lockout_keys(username: str) -> tuple[str, str]:
    digest = hashlib.sha256(username.encode()).hexdigest()[:32]
    return f"login-failures:{digest}", f"login-locked:{digest}"


def lockout_remaining(username: str, *, now: float | None = None) -> int:
    """Seconds before ``username`` may try to sign in again (0: not locked)."""
    if not settings.RATELIMIT_ENABLED or not username:
        return 0
    until = cache.get(_lockout_keys(username)[1])
    now = time.time() if now is None else now
    return max(0, math.ceil(until - now)) if until else 0


def record_login_failure(username: str, *, now: float | None = None) -> int:
    """Count a failed sign-in on ``username``; lock it at the limit.

    ``LOGIN_LOCKOUT`` ("failures/seconds") is how many failures are allowed in
    a window; the next sign-in attempts on that username are then refused for
    as long as the window, whatever the address or the password. Returns the
    seconds of the lock just set (0 when not locked).
    """
    if not settings.RATELIMIT_ENABLED or not username:
        return 0
    rate = Rate.parse(settings.LOGIN_LOCKOUT, name="LOGIN_LOCKOUT")
    failures_key, locked_key = _lockout_keys(username)
    cache.add(failures_key, 0, timeout=rate.seconds)
    try:
        failures = cache.incr(failures_key)
    except ValueError:  # evicted between add() and incr()
        cache.set(failures_key, 1, timeout=rate.seconds)
        failures = 1
    if failures < rate.count:
        return 0
    now = time.time() if now is None else now
    cache.set(locked_key, now + rate.seconds, timeout=rate.seconds)
    cache.delete(failures_key)
    return rate.seconds


def clear_login_failures(username: str) -> None:
    cache.delete(_lockout_keys(username)[0])


class LoginView(auth_views.LoginView):
    """Django's login, refusing a username for a while after repeated failures."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = _username_key(request)
        wait = lockout_remaining(username)
        if wait:
            return self._locked(wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        username = _username_key(self.request)
        wait = record_login_failure(username)
        if wait:
            return self._locked(wait)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        clear_login_failures(_username_key(self.request))
        return super().form_valid(form)

    def _locked(self, wait: int) -> HttpResponse:
        # The form as sent, not checked (the password is not even tried).
        form = self.get_form_class()(
            self.request, data={"username": self.request.POST.get("username", "")}
        )
        form.cleaned_data = {}
        form._errors = ErrorDict()
        form.add_error(
            None,
            _(
                "Too many failed sign-in attempts for this username. Sign-in "
                "with it is locked for %(wait)s; you can reset your password "
                "in the meantime."
            )
            % {"wait": wait_text(wait)},
        )
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 429
        response["Retry-After"] = str(wait)
        return response


# Limited per address and per attempted username, so neither one machine nor
# many machines can guess a password quickly; a username with too many
# failures is locked for a while.
login_view = ratelimit("login", "RATELIMIT_LOGIN")(
    ratelimit("login-user", "RATELIMIT_LOGIN", key=_username_key)(LoginView.as_view())
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's view, with the site's name (not its host) in the e-mail."""

    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"site_name": settings.SITE_NAME}
        return super().form_valid(form)


password_reset = ratelimit("password-reset", "RATELIMIT_LOGIN")(
    PasswordResetView.as_view()
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    success_url=reverse_lazy("accounts:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
password_change = auth_views.PasswordChangeView.as_view(
    success_url=reverse_lazy("accounts:password_change_done")
)
password_change_done = auth_views.PasswordChangeDoneView.as_view()
