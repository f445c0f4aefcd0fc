"""Pages and feeds of the network: the instance description, the change
feed, the network page, and starting a local fork of a remote commons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fabrique.catalog import services as catalog
from fabrique.catalog.models import Commons
from fabrique.core.permissions import is_admin, require_member
from fabrique.federation import changes, instance
from fabrique.federation.models import (
    Fork,
    HarvestRun,
    HarvestSource,
    RemoteCommons,
    RemoteInstance,
)
from fabrique.federation.provenance import remote_of


def _public_json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def well_known(request: HttpRequest) -> JsonResponse:
    """``/.well-known/fabrique-instance``: who this instance is, what it
    publishes, and its public key."""
    return _public_json(instance.description())


def change_feed(request: HttpRequest) -> JsonResponse:
    """The change feed after ``?after=`` (a cursor), ``?limit=`` items."""
    try:
        after = int(request.GET.get("after", "0"))
        limit = int(request.GET.get("limit", "100"))
    except ValueError:
        return _public_json(
            {"error": {"code": "bad_cursor", "message": "after and limit are numbers"}},
            400,
        )
    try:
        page = changes.page(after, limit)
    except changes.CursorTooOld:
        return _public_json(
            {
                "error": {
                    "code": "cursor_too_old",
                    "message": "this cursor is older than the kept tombstones: "
                    "read the feed again from 0",
                    "details": {"resync_from": 0, "horizon": changes.horizon()},
                }
            },
            410,
        )
    return _public_json(page)


def person_document(request: HttpRequest) -> JsonResponse:
    """``?uri=`` a member's actor URI: their roles in communities and their
    public badges, for the instances where they linked an account."""
    from fabrique.federation import people

    user = people.user_for(request.GET.get("uri", "")[:500])
    if user is None:
        return _public_json(
            {
                "error": {
                    "code": "not_found",
                    "message": "no member of this instance has this URI",
                    "details": {},
                }
            },
            404,
        )
    return _public_json(people.document(user))


def network(request: HttpRequest) -> HttpResponse:
    """Known instances (map, counts, last harvest, health); for
    administrators, the harvest sources and their last reports."""
    instances = list(
        RemoteInstance.objects.annotate(
            harvested=Count("sources__commons"), last=Max("sources__runs__finished")
        )
    )
    local = RemoteCommons.objects.values("origin_instance").annotate(n=Count("pk"))
    context = {
        "here": instance.description(),
        "instances": instances,
        "origins": sorted(local, key=lambda row: -row["n"]),
        "points": [
            {"name": str(i), "lat": i.lat, "lon": i.lon, "url": i.url}
            for i in instances
            if i.lat is not None and i.lon is not None
        ],
        "admin": is_admin(request.user),
        "layers": [
            {
                "url": reverse("federation:instances_geojson"),
                "kind": "points",
                "label": _("instances"),
                "detail_property": "detail",
                "color": "#1f5fa8",
                "radius": 7,
                "link_text": _("Open the instance"),
            }
        ],
    }
    if context["admin"]:
        sources = list(HarvestSource.objects.select_related("instance"))
        for source in sources:
            source.last_runs = list(source.runs.all()[:3])  # type: ignore[attr-defined]
        context["sources"] = sources
    return render(request, "federation/network.html", context)


def instances_geojson(request: HttpRequest) -> JsonResponse:
    """The known instances as GeoJSON points (those that give a position)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [one.lon, one.lat]},
            "properties": {
                "name": str(one),
                "detail": one.region,
                "url": one.url,
            },
        }
        for one in RemoteInstance.objects.filter(lat__isnull=False, lon__isnull=False)
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Content-Type"] = "application/geo+json"
    return response


def run_report(request: HttpRequest, pk: int) -> HttpResponse:
    """One harvest run's report (administrators)."""
    if not is_admin(request.user):
        raise Http404
    run = get_object_or_404(HarvestRun.objects.select_related("source"), pk=pk)
    return render(request, "federation/run.html", {"run": run})


@require_member
def accounts_page(request: HttpRequest) -> HttpResponse:
    """Link this account with the same person's account on another instance:
    make a signed claim here, or paste one made there."""
    from fabrique.federation import accounts, claims

    context: dict = {"own_uri": accounts.own_uri(request.user)}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            target = request.POST.get("links", "").strip()
            if target.startswith(("http://", "https://")):
                context["claim"] = claims.issue(context["own_uri"], target[:500])
            else:
                context["error"] = _("Give the address of your account there.")
        elif action == "link":
            try:
                linked = accounts.link(request.user, request.POST.get("claim", ""))
            except claims.ClaimError as exc:
                context["error"] = str(exc)
            else:
                from fabrique.federation import people

                people.refresh(linked)
                messages.success(
                    request,
                    _("Your account at %(instance)s is linked.")
                    % {"instance": linked.instance_url},
                )
                return redirect("federation:accounts")
    return render(request, "federation/accounts.html", context)


def person(request: HttpRequest, username: str) -> HttpResponse:
    """A person's accounts on other instances and what they did there."""
    user = get_object_or_404(
        get_user_model(), username=username, deleted=False, is_active=True
    )
    return render(request, "federation/person.html", {"person": user})


@require_POST
@require_member
def fork(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a local commons derived from a remote one (its fields copied,
    its origin remembered as ``prov:wasDerivedFrom``)."""
    original = get_object_or_404(Commons, slug=slug, hidden=False)
    remote = remote_of(original)
    if remote is None:
        raise PermissionDenied(_("Only a commons from another instance is forked."))
    data = {name: getattr(original, name) for name in catalog.COMMONS_EDITABLE}
    data.pop("slug", None)
    copy = catalog.create_commons(
        user=request.user,
        data=data,
        themes=list(original.themes.all()),
        comment=_("Forked from %(origin)s") % {"origin": remote.origin_uri[:300]},
    )
    Fork.objects.create(
        commons=copy, derived_from=remote.origin_uri, created_by=request.user
    )
    messages.success(request, _("Your local fork is ready: complete it freely."))
    return redirect(copy)
