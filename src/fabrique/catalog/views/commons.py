"""Commons pages: the commons page, create, edit and image upload."""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Model, Prefetch, prefetch_related_objects
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
    Theme,
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
            lambda: _commons_page(request, _shown_commons(slug)),
        )
    commons = get_object_or_404(Commons, slug=slug)
    if not can_view(request.user, commons):
        raise Http404
    return _commons_page(request, commons)


_WRITTEN: dict[tuple[str, str], str] = {}


def _written(name: str, build: Callable[[], str]) -> str:
    """The SQL ``build`` writes for ``name`` on this database, kept."""
    key = (connection.vendor, name)
    sql = _WRITTEN.get(key)
    if sql is None:
        sql = _WRITTEN[key] = build()
    return sql


def _select(model: type[Model], where: str, order: str = "") -> str:
    """``SELECT`` of ``model``'s columns (names quoted from its metadata)."""
    q = connection.ops.quote_name
    meta = model._meta
    columns = ", ".join(q(f.column) for f in meta.concrete_fields)
    return f"SELECT {columns} FROM {q(meta.db_table)} WHERE {where} {order}"  # noqa: S608 - quoted model names only


def _shown_commons(slug: str) -> Commons:
    """The visible commons ``slug`` (404 otherwise), from a written statement."""
    q = connection.ops.quote_name

    def build() -> str:
        field = Commons._meta.get_field
        return _select(
            Commons,
            f"{q(field('slug').column)} = %s AND {q(field('hidden').column)} = %s",
        )

    found = list(Commons.objects.raw(_written("commons", build), [slug, False]))
    if not found:
        raise Http404
    return found[0]


def _commons_page(request: HttpRequest, commons: Commons) -> HttpResponse:
    body, jsonld, badges = _commons_parts(request, commons)
    return render(
        request,
        "catalog/commons_detail.html",
        {
            "commons": commons,
            "body": body,
            "jsonld": jsonld,
            "recognised_badges": badges,
            "moderation": moderation_context(request, commons),
        },
    )


def moderation_context(request: HttpRequest, obj: Commons | Actor) -> dict | None:
    """What the hidden-content banner needs, for moderators of hidden pages."""
    if not obj.hidden or not can_moderate(request.user):
        return None
    return {"label": moderation_label(obj), "pk": obj.pk}


def _probe_sql() -> str:
    """One statement saying which of a commons page's lists are empty.

    Plain SQL written once (table and column names from the models): a
    first visit's time goes mostly to Django building statements (about
    1 ms of CPU each), and on most commons pages the images, needs,
    discussions, followers and badges are none; this replaces those five
    statements by one that costs no building. Columns: has images, has
    needs, has visible discussions, followers (a count), has shown badges.
    """
    q = connection.ops.quote_name

    def table(model: type[Model]) -> str:
        return q(model._meta.db_table)

    def col(model: type[Model], name: str) -> str:
        return q(model._meta.get_field(name).column)

    from fabrique.core.models import Discussion, Follow

    parts = [
        f"EXISTS (SELECT 1 FROM {table(CommonsImage)} "  # noqa: S608 - quoted model names only
        f"WHERE {col(CommonsImage, 'commons')} = %s)",
        f"EXISTS (SELECT 1 FROM {table(Need)} WHERE {col(Need, 'commons')} = %s)",  # noqa: S608 - quoted model names only
        f"EXISTS (SELECT 1 FROM {table(Discussion)} "  # noqa: S608 - quoted model names only
        f"WHERE {col(Discussion, 'content_type')} = %s "
        f"AND {col(Discussion, 'object_id')} = %s "
        f"AND {col(Discussion, 'hidden')} = %s)",
        f"(SELECT COUNT(*) FROM {table(Follow)} "  # noqa: S608 - quoted model names only
        f"WHERE {col(Follow, 'content_type')} = %s "
        f"AND {col(Follow, 'object_id')} = %s)",
    ]
    if apps.is_installed("fabrique.badges"):
        award = apps.get_model("badges", "Award")
        parts.append(
            f"EXISTS (SELECT 1 FROM {table(award)} "  # noqa: S608 - quoted model names only
            f"WHERE {col(award, 'commons')} = %s AND {col(award, 'accepted')} = %s "
            f"AND {col(award, 'public')} = %s AND {col(award, 'revoked')} IS NULL)"
        )
    return "SELECT " + ", ".join(parts)


_PROBES: dict[str, str] = {}


def _page_probe(commons: Commons) -> dict[str, object]:
    """Which lists of ``commons``' page have something, and its followers."""
    sql = _PROBES.get(connection.vendor)
    if sql is None:
        sql = _PROBES[connection.vendor] = _probe_sql()
    kind = ContentType.objects.get_for_model(commons).pk
    params: list[object] = [commons.pk, commons.pk, kind, commons.pk, False]
    params += [kind, commons.pk]
    with_badges = apps.is_installed("fabrique.badges")
    if with_badges:
        params += [commons.pk, True, True]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return {
        "images": bool(row[0]),
        "needs": bool(row[1]),
        "discussions": bool(row[2]),
        "followers": int(row[3]),
        "badges": bool(row[4]) if with_badges else False,
    }


_THEMES: dict[str, str] = {}


def _themes(commons: Commons) -> None:
    """Fetch ``commons``' themes (in their order, by name) with a written
    statement, as ``prefetch_related("themes")`` would keep them."""
    sql = _THEMES.get(connection.vendor)
    if sql is None:
        q = connection.ops.quote_name
        through = Commons.themes.through._meta
        theme = Theme._meta
        columns = ", ".join(f"t.{q(f.column)}" for f in theme.concrete_fields)
        sql = _THEMES[connection.vendor] = (
            f"SELECT {columns} FROM {q(theme.db_table)} t "  # noqa: S608 - quoted model names only
            f"INNER JOIN {q(through.db_table)} ct "
            f"ON ct.{q(through.get_field('theme').column)} = t.{q(theme.pk.column)} "
            f"WHERE ct.{q(through.get_field('commons').column)} = %s "
            f"ORDER BY t.{q(theme.get_field('name').column)}"
        )
    _known(commons, "themes", list(Theme.objects.raw(sql, [commons.pk])))


def _known_empty(obj: Model, name: str) -> None:
    """Mark the related list ``name`` of ``obj`` as fetched and empty, as
    ``prefetch_related`` would after finding nothing (no statement run)."""
    _known(obj, name, [])


def _known(obj: Model, name: str, rows: list) -> None:
    """Keep ``rows`` as the related list ``name`` of ``obj``, as
    ``prefetch_related`` does."""
    found = getattr(obj, name).all()
    found._result_cache = rows
    found._prefetch_done = True
    if not hasattr(obj, "_prefetched_objects_cache"):
        obj._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    obj._prefetched_objects_cache[name] = found  # type: ignore[attr-defined]


def _commons_parts(request: HttpRequest, commons: Commons) -> tuple[str, str, bool]:
    """The rendered body and JSON-LD of the commons page for ``request``,
    and whether the page shows badges recognised there."""
    probe = _page_probe(commons)
    _themes(commons)
    lists: list[str | Prefetch] = []
    if probe["images"]:
        lists.append("images")
    else:
        _known_empty(commons, "images")
    if probe["needs"]:
        q = connection.ops.quote_name

        def build() -> str:
            field = Need._meta.get_field
            return _select(
                Need,
                f"{q(field('commons').column)} = %s",
                f"ORDER BY {q(field('status').column)}, "
                f"{q(field('created').column)} DESC",
            )

        _known(
            commons,
            "needs",
            list(Need.objects.raw(_written("needs", build), [commons.pk])),
        )
    else:
        _known_empty(commons, "needs")
    if lists:
        prefetch_related_objects([commons], *lists)
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
        "discussions": discussions.latest_of(commons, 5)
        if probe["discussions"]
        else [],
        "activity": activity.latest_shown(commons, 10),
        "following": follows.is_following(user, commons),
        "followers": probe["followers"],
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
    jsonld = str(ld_script(commons_jsonld(commons, request)))
    return body, jsonld, bool(probe["badges"])


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
