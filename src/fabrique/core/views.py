"""Site-wide pages: home, activity, and the Markdown preview of every form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from fabrique.catalog.feeds import feed_for
from fabrique.catalog.models import Commons, CommunityMembership, Need
from fabrique.core import activity
from fabrique.core.markdown import MAX_MARKDOWN_CHARS, render_markdown
from fabrique.core.models import Activity

PREVIEW_MAX_CHARS = MAX_MARKDOWN_CHARS


HOME_CACHE_SECONDS = 300


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and crawlers ask for ``/favicon.ico``: send them to the icon."""
    response = redirect(static("fabrique/favicon.svg"), permanent=True)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def home(request: HttpRequest) -> HttpResponse:
    """What Fabrique is, a search box, latest commons, open needs, communities."""
    return render(request, "home.html", _home_blocks())


def _home_blocks() -> dict[str, object]:
    """The home page's lists and counts, cached until the next recorded change.

    Every write records an Activity and every save of a commons (moderation
    included) moves its indexed ``updated``: together they name the state of
    the catalogue, so the aggregates over all memberships run once per change,
    not once per visit.
    """
    newest = Activity.objects.order_by("-id").values_list("id", flat=True).first()
    touched = Commons.objects.aggregate(last=Max("updated"))["last"]
    key = f"home-blocks:{newest or 0}:{touched.timestamp() if touched else 0}"
    blocks: dict[str, object] | None = cache.get(key)
    if blocks is None:
        blocks = _compute_home_blocks()
        cache.set(key, blocks, HOME_CACHE_SECONDS)
    return blocks


def _compute_home_blocks() -> dict[str, object]:
    visible = Commons.objects.filter(hidden=False)
    since = timezone.now() - timezone.timedelta(days=90)
    active = CommunityMembership.Status.ACTIVE
    communities = (
        visible.annotate(
            members=Count("memberships", filter=Q(memberships__status=active)),
            recent=Count(
                "memberships",
                filter=Q(memberships__status=active, memberships__updated__gte=since),
            ),
            last_joined=Max("memberships__updated"),
        )
        .filter(members__gte=2)
        .order_by("-recent", "-members", "-last_joined")[:6]
    )
    open_needs = Need.objects.filter(status=Need.Status.OPEN, commons__hidden=False)
    return {
        "latest": list(visible.prefetch_related("themes").order_by("-created")[:6]),
        "needs": list(open_needs.select_related("commons").order_by("-created")[:6]),
        "communities": list(communities),
        "counts": {"commons": visible.count(), "needs": open_needs.count()},
    }


def activity_stream(request: HttpRequest) -> HttpResponse:
    """Site-wide public activity, newest first, paginated."""
    entries = activity.site_wide().prefetch_related("target")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    visible = [
        entry
        for entry in page
        if entry.target is not None and not getattr(entry.target, "hidden", False)
    ]
    return render(
        request,
        "core/activity.html",
        {"page": page, "activity": visible, "show_target": True},
    )


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    """What happened, by others, on what the signed-in user follows or joined."""
    entries = feed_for(request.user).prefetch_related("target")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    visible = [
        entry
        for entry in page
        if entry.target is not None and not getattr(entry.target, "hidden", False)
    ]
    return render(
        request,
        "core/feed.html",
        {"page": page, "activity": visible, "show_target": True},
    )


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """Render the posted Markdown field to sanitised HTML (htmx partial).

    The field to render is named by ``field`` (the textarea's own name is
    posted along with it), so one endpoint serves every form.
    """
    if not request.user.is_authenticated:
        return HttpResponseForbidden(_("Sign in to preview."))
    field = request.POST.get("field", "")
    source = request.POST.get(field, "") if field else ""
    too_long = len(source) > PREVIEW_MAX_CHARS
    return render(
        request,
        "core/markdown_preview.html",
        {
            "html": "" if too_long else render_markdown(source),
            "too_long": too_long,
            "limit": PREVIEW_MAX_CHARS,
        },
    )
