"""Discussions on a commons, an actor or another page: list, new
discussion, thread, replies. Other apps add their kinds to ``TARGETS``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fabrique.catalog import services
from fabrique.catalog.forms import DiscussionForm, MessageForm
from fabrique.catalog.views.history import MODELS
from fabrique.core.discussions import DiscussionError, discussions_of
from fabrique.core.models import Discussion

#: kind → (model with ``slug`` and ``hidden``, list URL name, thread URL name).
TARGETS: dict[str, tuple[type[Model], str, str]] = {
    "commons": (MODELS["commons"], "catalog:discussions", "catalog:discussion"),
    "actor": (MODELS["actor"], "catalog:actor_discussions", "catalog:actor_discussion"),
}


def _target(kind: str, slug: str) -> Any:
    return get_object_or_404(TARGETS[kind][0], slug=slug, hidden=False)


def _context(kind: str, target: Any) -> dict[str, Any]:
    _model, list_url, thread_url = TARGETS[kind]
    return {"target": target, "list_url": list_url, "thread_url": thread_url}


def discussion_list(
    request: HttpRequest, slug: str, kind: str = "commons"
) -> HttpResponse:
    """Every discussion of the commons or actor, and the form to start one."""
    target = _target(kind, slug)
    form = DiscussionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        if form.is_valid():
            try:
                discussion = services.start_discussion(
                    target, user=request.user, **form.cleaned_data
                )
            except DiscussionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Discussion started."))
                return redirect(TARGETS[kind][2], slug=target.slug, pk=discussion.pk)
    page = Paginator(discussions_of(target), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/discussion_list.html",
        {**_context(kind, target), "page": page, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def discussion_thread(
    request: HttpRequest, slug: str, pk: int, kind: str = "commons"
) -> HttpResponse:
    """One discussion with its messages and the reply form."""
    target = _target(kind, slug)
    discussion = get_object_or_404(
        Discussion,
        pk=pk,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
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
        {
            **_context(kind, target),
            "discussion": discussion,
            "posts": posts,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
