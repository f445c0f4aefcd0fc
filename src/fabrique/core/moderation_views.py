"""Moderation pages: report any object, the moderators' queue, the audit log."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fabrique.core import moderation
from fabrique.core.models import AuditLog
from fabrique.core.permissions import can_view, require_moderator
from fabrique.core.ratelimit import ratelimit


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What is wrong with it?"),
        min_length=moderation.MIN_REASON_CHARS,
        max_length=moderation.MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "Say which rule of the code of conduct it breaks, e.g. spam, "
            "insults, personal data about someone, illegal content."
        ),
    )


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in moderation.ACTIONS])
    reason = forms.CharField(
        label=gettext_lazy("Reason (written to the audit log)"),
        max_length=moderation.MAX_REASON_CHARS,
    )


def _target(label: str, pk: int) -> tuple[moderation.Reportable, object]:
    try:
        entry = moderation.reportable(label)
    except moderation.ModerationError as exc:
        raise Http404(str(exc)) from exc
    obj = entry.model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return entry, obj


def _back(request: HttpRequest, fallback: str | None) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback or "/"


@ratelimit("report", "RATELIMIT_REPORT")
@login_required
def report(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Report a commons, an actor, a discussion or a message to moderators."""
    entry, obj = _target(label, pk)
    if not can_view(request.user, obj):
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.report(
                obj, reporter=request.user, reason=form.cleaned_data["reason"]
            )
        except moderation.ModerationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Thank you. Moderators will review your report."),
            )
            return redirect(_back(request, entry.url(obj)))
    return render(
        request,
        "moderation/report.html",
        {
            "form": form,
            "object": obj,
            "title": entry.title(obj),
            "kind": entry.model._meta.verbose_name,
            "object_url": entry.url(obj),
            "next": _back(request, entry.url(obj)),
        },
    )


@require_moderator
def queue(request: HttpRequest) -> HttpResponse:
    """Open reports to handle, and hidden content that can be restored."""
    return render(
        request,
        "moderation/queue.html",
        {
            "items": moderation.open_queue(),
            "hidden_items": moderation.hidden_items(),
            "recent": [
                (entry, moderation.describe_action(entry.action))
                for entry in AuditLog.objects.select_related("moderator")[:5]
            ],
        },
    )


@require_POST
@require_moderator
def act(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    """Hide, restore or dismiss, with a reason written to the audit log."""
    _entry, obj = _target(label, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Choose an action and give a reason for the audit log.")
        )
        return redirect("core:moderation")
    action = moderation.ACTIONS[form.cleaned_data["action"]]
    try:
        action(obj, moderator=request.user, reason=form.cleaned_data["reason"])
    except moderation.ModerationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done; the action is in the audit log."))
    return redirect("core:moderation")


@require_moderator
def audit_log(request: HttpRequest) -> HttpResponse:
    """Every moderation action: when, who, what, on which object, why."""
    entries = AuditLog.objects.select_related("moderator", "content_type").order_by(
        "-created", "-id"
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [
        (entry, moderation.describe_action(entry.action), moderation.describe(entry))
        for entry in page
    ]
    return render(request, "moderation/audit_log.html", {"page": page, "rows": rows})
