"""The notifications page: read them, mark them read, choose how to hear."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.core.activity import by_the_instance, describe, summary_of
from fabrique.core.permissions import require_member
from fabrique.notifications import services
from fabrique.notifications.forms import PreferenceForm
from fabrique.notifications.models import Notification

PAGE_SIZE = 30


@require_member
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("filtre") == "non-lues"
    rows = services.for_user(request.user, unread_only=unread_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = []
    for row in page:
        title, url = services.subject_of(row.activity)
        items.append(
            {
                "row": row,
                "verb": describe(row.activity),
                "summary": summary_of(row.activity),
                "by_instance": by_the_instance(row.activity),
                "title": title,
                "url": url,
            }
        )
    pref = services.preference(request.user)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "items": items,
            "unread_only": unread_only,
            "unread": services.unread_count(request.user),
            "form": PreferenceForm(initial={"frequency": pref.frequency}),
        },
    )


@require_member
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, [row.pk])
    if request.POST.get("open"):
        _, url = services.subject_of(row.activity)
        if url:
            return redirect(url)
    return redirect("notifications:list")


@require_member
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(request.user)
    messages.success(
        request,
        _("%(count)d notifications marked as read.") % {"count": count},
    )
    return redirect("notifications:list")


@require_member
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if form.is_valid():
        services.set_frequency(request.user, form.cleaned_data["frequency"])
        messages.success(request, _("Your notification settings are saved."))
    else:
        messages.error(request, _("Choose how you want to be notified."))
    return redirect("notifications:list")
