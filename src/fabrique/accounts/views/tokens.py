"""Personal API tokens, created and revoked on the profile page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fabrique.accounts.forms import TokenForm
from fabrique.accounts.tokens import TokenError, issue_token, revoke_token


@never_cache
@require_POST
@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Issue a token and show its key, once (the page is not cached)."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A token needs a name of at most 100 characters."))
        return redirect("accounts:profile")
    try:
        token, key = issue_token(request.user, form.cleaned_data["name"])
    except TokenError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:profile")
    return render(request, "accounts/token_created.html", {"token": token, "key": key})


@require_POST
@login_required
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    if revoke_token(request.user, token_id):
        messages.success(request, _("The token was revoked."))
    else:
        messages.error(request, _("You have no such token."))
    return redirect("accounts:profile")
