"""Commons pages: the commons page, create, edit and image upload."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.catalog import services
from fabrique.catalog.forms import CommonsForm, ImageForm, JoinForm, NeedForm
from fabrique.catalog.jsonld import commons_jsonld, ld_script
from fabrique.catalog.models import (
    Actor,
    Commons,
    CommonsImage,
    CommunityMembership,
    Need,
)
from fabrique.catalog.pageversions import page_version_name
from fabrique.catalog.views.editing import edit
from fabrique.catalog.views.pagecache import (
    anonymous_page,
    cacheable,
    version_token,
)
from fabrique.core import activity, discussions, follows
from fabrique.core.moderation import label_of as moderation_label
from fabrique.core.permissions import can_moderate, can_view


def report_url(obj: Commons | Actor) -> str:
    """The moderation report address for ``obj``, or "" when there is none."""
    try:
        return reverse("core:report", args=[obj._meta.label_lower, obj.pk])
    except NoReverseMatch:
        return ""


def commons_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The commons page (the most visited one).

    Anonymous visitors get it from the page cache (``pagecache``), keyed on
    the commons' version token, which every save of the commons and every
    activity on it (needs, memberships, discussions, follows are all recorded
    as activity) moves: a hit costs no database query. Moderators also see
    hidden commons, with a banner.
    """
    if cacheable(request):
        return anonymous_page(
            request,
            (version_token(page_version_name(slug)),),
            lambda: _commons_page(
                request, get_object_or_404(Commons, slug=slug, hidden=False)
            ),
        )
    commons = get_object_or_404(Commons, slug=slug)
    if not can_view(request.user, commons):
        raise Http404
    return _commons_page(request, commons)


def _commons_page(request: HttpRequest, commons: Commons) -> HttpResponse:
    body, jsonld = _commons_parts(request, commons)
    return render(
        request,
        "catalog/commons_detail.html",
        {
            "commons": commons,
            "body": body,
            "jsonld": jsonld,
            "moderation": moderation_context(request, commons),
        },
    )


def moderation_context(request: HttpRequest, obj: Commons | Actor) -> dict | None:
    """What the hidden-content banner needs, for moderators of hidden pages."""
    if not obj.hidden or not can_moderate(request.user):
        return None
    return {"label": moderation_label(obj), "pk": obj.pk}


def _commons_parts(request: HttpRequest, commons: Commons) -> tuple[str, str]:
    """The rendered body and JSON-LD of the commons page for ``request``."""
    prefetch_related_objects(
        [commons],
        "themes",
        "images",
        Prefetch("needs", queryset=Need.objects.order_by("status", "-created")),
    )
    user = request.user
    mine = (
        list(
            commons.memberships.filter(
                user=user,
                status__in=[
                    CommunityMembership.Status.REQUESTED,
                    CommunityMembership.Status.ACTIVE,
                ],
            ).select_related("actor")
        )
        if user.is_authenticated
        else []
    )
    holder = services.is_holder(user, commons)
    editable = services.can_edit(user, commons)
    needs = list(commons.needs.all())
    context = {
        "commons": commons,
        "community": services.community_by_role(commons),
        "roles": CommunityMembership.Role.choices,
        "open_needs": [n for n in needs if n.status in ("open", "in_progress")],
        "other_needs": [n for n in needs if n.status not in ("open", "in_progress")],
        "discussions": discussions.latest_of(commons, 5),
        "activity": activity.shown(activity.for_object(commons))[:10],
        "following": follows.is_following(user, commons),
        "followers": follows.followers_count(commons),
        "is_holder": holder,
        "my_memberships": mine,
        "pending_count": commons.memberships.filter(
            status=CommunityMembership.Status.REQUESTED
        ).count()
        if holder
        else 0,
        # The forms are shown to signed-in visitors only: none built for others.
        "join_form": JoinForm(user=user) if user.is_authenticated else None,
        "need_form": NeedForm() if editable else None,
        "can_edit": editable,
        "report_url": report_url(commons),
    }
    body = render_to_string("catalog/_commons_body.html", context, request)
    return body, str(ld_script(commons_jsonld(commons, request)))


@login_required
def commons_create(request: HttpRequest) -> HttpResponse:
    def save(form: CommonsForm) -> Commons:
        return services.create_commons(
            user=request.user,
            data=form.content(),
            themes=list(form.cleaned_data["themes"]),
            comment=form.cleaned_data["comment"],
        )

    return edit(
        request,
        obj=None,
        form_class=CommonsForm,
        save=save,
        template="catalog/commons_form.html",
        context={"cancel_url": reverse("catalog:commons_list")},
    )


@login_required
def commons_edit(request: HttpRequest, slug: str) -> HttpResponse:
    commons = get_object_or_404(Commons, slug=slug)

    def save(form: CommonsForm) -> Commons:
        services.update_commons(
            commons,
            user=request.user,
            data=form.content(),
            themes=list(form.cleaned_data["themes"]),
            base_revision=form.cleaned_data["base_revision"] or 0,
            comment=form.cleaned_data["comment"],
        )
        return commons

    return edit(
        request,
        obj=commons,
        form_class=CommonsForm,
        save=save,
        template="catalog/commons_form.html",
        context={
            "cancel_url": commons.get_absolute_url(),
            "ns": "catalog:commons",
        },
    )


@login_required
def image_add(request: HttpRequest, slug: str) -> HttpResponse:
    commons = get_object_or_404(Commons, slug=slug)
    if commons.hidden:
        raise PermissionDenied(_("This page is hidden by moderation."))
    form = ImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_image(
                commons,
                user=request.user,
                file=form.cleaned_data["image"],
                alt=form.cleaned_data["alt"],
            )
        except ValidationError as error:
            form.add_error("image", error)
        except services.CatalogError as error:
            form.add_error("alt", str(error))
        else:
            messages.success(request, _("Image added."))
            return redirect(commons)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "catalog/image_form.html",
        {"commons": commons, "form": form},
        status=status,
    )


@login_required
@require_POST
def image_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    image = get_object_or_404(CommonsImage, pk=pk, commons__slug=slug)
    services.remove_image(image, user=request.user)
    messages.success(request, _("Image removed."))
    return redirect(image.commons)
