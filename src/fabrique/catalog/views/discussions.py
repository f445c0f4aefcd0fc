"""Discussions on a commons: list, new discussion, thread and replies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fabrique.catalog import services
from fabrique.catalog.forms import DiscussionForm, MessageForm
from fabrique.catalog.models import Commons
from fabrique.core.discussions import DiscussionError, discussions_of
from fabrique.core.models import Discussion


def _commons(slug: str) -> Commons:
    return get_object_or_404(Commons, slug=slug, hidden=False)


def discussion_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Every discussion of the commons, and the form to start one."""
    commons = _commons(slug)
    form = DiscussionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if form.is_valid():
            try:
                discussion = services.start_discussion(
                    commons, user=request.user, **form.cleaned_data
                )
            except DiscussionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Discussion started."))
                return redirect(
                    "catalog:discussion", slug=commons.slug, pk=discussion.pk
                )
    page = Paginator(discussions_of(commons), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/discussion_list.html",
        {"commons": commons, "page": page, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def discussion_thread(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """One discussion with its messages and the reply form."""
    commons = _commons(slug)
    discussion = get_object_or_404(
        Discussion,
        pk=pk,
        content_type=ContentType.objects.get_for_model(Commons),
        object_id=commons.pk,
        hidden=False,
    )
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if form.is_valid():
            try:
                message = services.post_message(
                    discussion, user=request.user, body=form.cleaned_data["body"]
                )
            except DiscussionError as error:
                form.add_error("body", str(error))
            else:
                return redirect(f"{request.path}#message-{message.pk}")
    posts = discussion.messages.filter(hidden=False).select_related("author")
    return render(
        request,
        "catalog/discussion_thread.html",
        {"commons": commons, "discussion": discussion, "posts": posts, "form": form},
        status=400 if request.method == "POST" else 200,
    )
