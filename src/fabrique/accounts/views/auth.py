"""Sign-up (with the charter), login and password reset, rate-limited."""

from __future__ import annotations

import hashlib
import math
import time
import unicodedata
from typing import Any

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from requests import RequestException

from fabrique.accounts import confirmation
from fabrique.accounts.forms import SignupForm
from fabrique.accounts.models import User
from fabrique.accounts.oidc.views import LOGOUT_SESSION_KEY, FabriqueOIDCAdapter
from fabrique.accounts.services import address_in_use, warn_address_owners
from fabrique.core.ratelimit import Rate, client_key, counters, ratelimit
from fabrique.core.ratelimit import _wait_text as wait_text


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
        # The account waits, inactive, for the link sent to its address; the
        # holders of an address already in use are told, and nobody else.
        holders = address_in_use(form.cleaned_data["email"])
        user = form.save(commit=False)
        user.is_active = False
        user.save()
        if holders:
            warn_address_owners(holders, username=user.username)
        confirmation.send_confirmation(request, user, _safe_next(request, ""))
        return redirect("accounts:signup_sent")
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": _safe_next(request, "")},
    )


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html")


class ResendForm(forms.Form):
    email = forms.EmailField(label=_lazy("E-mail address"))


@ratelimit("signup", "RATELIMIT_SIGNUP")
def signup_resend(request: HttpRequest) -> HttpResponse:
    """Send the confirmation link again to an account still waiting for it.
    The answer is the same whether such an account exists or not."""
    form = ResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        waiting = User.objects.filter(
            email__iexact=form.cleaned_data["email"], is_active=False, deleted=False
        ).first()
        if waiting is not None:
            confirmation.send_confirmation(request, waiting)
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup_resend.html", {"form": form})


def signup_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Follow the link of the sign-up e-mail: activate the account, sign in."""
    user = confirmation.confirm(uidb64, token)
    if user is None:
        return render(request, "accounts/signup_confirm_failed.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welcome, %(name)s! Your account is ready.") % {"name": user.username},
    )
    return redirect(_safe_next(request, str(reverse_lazy("accounts:settings"))))


# The first lock after LOGIN_LOCKOUT's failures lasts this long (or the
# setting's seconds if shorter); each further failure doubles it up to them.
FIRST_LOCK_SECONDS = 60
# A client's failures on a username are remembered this long after the last.
FAILURE_MEMORY_SECONDS = 24 * 3600


def normalise_username(name: str) -> str:
    """The username as throttling counts it: ``" CAMILLE "`` is ``camille``."""
    return unicodedata.normalize("NFKC", str(name)).strip().casefold()[:150]


def _username_key(request: HttpRequest) -> str:
    return normalise_username(request.POST.get("username", ""))


def _throttle_keys(username: str, client: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"{username}\0{client}".encode()).hexdigest()[:32]
    return f"login-failures:{digest}", f"login-locked:{digest}"


def lockout_remaining(username: str, client: str, *, now: float | None = None) -> int:
    """Seconds before ``client`` may try ``username`` again (0: now)."""
    username = normalise_username(username)
    if not settings.RATELIMIT_ENABLED or not username:
        return 0
    until = counters().get(_throttle_keys(username, client)[1])
    now = time.time() if now is None else now
    return max(0, math.ceil(until - now)) if until else 0


def record_login_failure(
    username: str, client: str, *, now: float | None = None
) -> int:
    """Count a failed sign-in on ``username`` from ``client``; lock the pair
    past the limit. Returns the seconds of the lock just set (0: none).

    ``LOGIN_LOCKOUT`` ("failures/seconds"): after that many failures from one
    client on one username, that client waits ``FIRST_LOCK_SECONDS`` before
    trying it again, twice as long after each further failure, up to the
    setting's seconds. Other clients — the owner's own — are not affected:
    they have their own count.
    """
    username = normalise_username(username)
    if not settings.RATELIMIT_ENABLED or not username:
        return 0
    rate = Rate.parse(settings.LOGIN_LOCKOUT, name="LOGIN_LOCKOUT")
    store = counters()
    failures_key, locked_key = _throttle_keys(username, client)
    store.add(failures_key, 0, timeout=FAILURE_MEMORY_SECONDS)
    try:
        failures = store.incr(failures_key)
        store.touch(failures_key, FAILURE_MEMORY_SECONDS)
    except ValueError:  # evicted between add() and incr()
        store.set(failures_key, 1, timeout=FAILURE_MEMORY_SECONDS)
        failures = 1
    if failures < rate.count:
        return 0
    doublings = min(failures - rate.count, 32)
    wait = min(rate.seconds, FIRST_LOCK_SECONDS * 2**doublings)
    now = time.time() if now is None else now
    store.set(locked_key, now + wait, timeout=wait)
    return wait


def clear_login_failures(username: str, client: str) -> None:
    counters().delete(_throttle_keys(normalise_username(username), client)[0])


class LoginView(auth_views.LoginView):
    """Django's login, refusing a client a username for a while after repeated
    failures from it."""

    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        wait = lockout_remaining(_username_key(request), client_key(request))
        if wait:
            return self._locked(wait)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        wait = record_login_failure(
            _username_key(self.request), client_key(self.request)
        )
        if wait:
            return self._locked(wait)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        clear_login_failures(_username_key(self.request), client_key(self.request))
        # The password was right: allauth's login takes over, asking for the
        # second factor (authenticator app, passkey) of those who have one.
        user = form.get_user()
        return perform_password_login(
            self.request,
            {"username": user.get_username()},
            Login(user=user, redirect_url=self.get_success_url()),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["oidc_providers"] = [
            {"id": app["provider_id"], "name": app["name"]}
            for app in settings.OIDC_PROVIDERS
        ]
        context["passkey_login"] = settings.MFA_PASSKEY_LOGIN_ENABLED
        next_url = context.get("next") or ""
        context["redirect_field"] = (
            format_html('<input type="hidden" name="next" value="{}">', next_url)
            if next_url
            else ""
        )
        return context

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
                "Too many failed sign-in attempts for this username from your "
                "connection. Please wait %(wait)s before trying again; you can "
                "reset your password in the meantime."
            )
            % {"wait": wait_text(wait)},
        )
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 429
        response["Retry-After"] = str(wait)
        return response


# Limited per client (address, or IPv6 network) for all usernames together,
# and per (username, client) with a growing lock: attempts from elsewhere
# never lock the owner out of their account on their own connection.
login_view = ratelimit("login", "RATELIMIT_LOGIN", key=client_key)(LoginView.as_view())


class LogoutView(auth_views.LogoutView):
    """Sign out here, then at the OpenID Connect provider one came from, when
    it offers a logout endpoint (RP-initiated logout)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider_logout = request.session.get(LOGOUT_SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        if isinstance(provider_logout, dict):
            target = provider_logout_url(request, provider_logout)
            if target:
                return redirect(target)
        return response


def provider_logout_url(request: HttpRequest, stored: dict[str, Any]) -> str:
    """The provider's end-session address for the session's ID token ("" if
    the provider is gone from the settings or offers none)."""
    app = next(
        (
            app
            for app in settings.OIDC_PROVIDERS
            if app["provider_id"] == stored.get("provider_id")
        ),
        None,
    )
    if app is None:
        return ""
    try:
        adapter = FabriqueOIDCAdapter(request, app["provider_id"])
        endpoint = adapter.openid_config.get("end_session_endpoint")
    except (RequestException, ValueError, KeyError):
        return ""
    if not endpoint:
        return ""
    query = urlencode(
        {
            "id_token_hint": stored.get("id_token", ""),
            "client_id": app["client_id"],
            "post_logout_redirect_uri": request.build_absolute_uri(
                resolve_url(settings.LOGOUT_REDIRECT_URL)
            ),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


logout_view = LogoutView.as_view()


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
