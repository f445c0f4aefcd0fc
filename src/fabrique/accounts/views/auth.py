"""Sign-up (with the charter), login and password reset, rate-limited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from fabrique.accounts.forms import SignupForm
from fabrique.core.ratelimit import ratelimit


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
        user = form.save()
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


# Limited per address and per attempted username, so neither one machine nor
# many machines can guess a password quickly.
login_view = ratelimit("login", "RATELIMIT_LOGIN")(
    ratelimit("login-user", "RATELIMIT_LOGIN", key=_username_key)(
        auth_views.LoginView.as_view(redirect_authenticated_user=True)
    )
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
