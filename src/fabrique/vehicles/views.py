"""Pages: module catalogue, module page, configurator, vehicle and its BOM."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fabrique.core.permissions import can_edit, require_member
from fabrique.vehicles import bom as bom_engine
from fabrique.vehicles import compat, completion, services
from fabrique.vehicles.explain import (
    FUNCTION_NAMES,
    PARAM_NAMES,
    explain,
    explain_reason,
    value_text,
)
from fabrique.vehicles.models import (
    Configuration,
    InterfaceType,
    Module,
    ModuleKind,
    Role,
)


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    interface = request.GET.get("interface", "")
    rows = services.modules_queryset()
    if kind in ModuleKind.values:
        rows = rows.filter(kind=kind)
    if interface:
        rows = rows.filter(ports__interface__key=interface).distinct()
    return render(
        request,
        "vehicles/catalogue.html",
        {
            "modules": rows,
            "kinds": ModuleKind.choices,
            "interfaces": InterfaceType.objects.all(),
            "kind": kind,
            "interface": interface,
            "configurations": Configuration.objects.filter(
                commons__hidden=False
            ).select_related("commons")[:20],
        },
    )


def _compatible(module: Module) -> list[dict[str, Any]]:
    """For each port, the catalogue's ports it links to without a problem."""
    interfaces = services.interface_specs()
    me = services.module_spec(module)
    others = services.module_specs()
    out = []
    for port in me.ports:
        matches = []
        for other in others.values():
            if other.key == me.key:
                continue
            for theirs in other.ports:
                if theirs.interface != port.interface:
                    continue
                if not compat.check_ports(("a", port), ("b", theirs), interfaces):
                    matches.append((other, theirs.name))
        out.append(
            {
                "port": port,
                "role": Role(port.role).label,
                "params": [
                    (PARAM_NAMES.get(name, name), value_text(value))
                    for name, value in port.params.items()
                ],
                "matches": matches,
            }
        )
    return out


@require_GET
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    module = get_object_or_404(services.modules_queryset(), commons__slug=slug)
    return render(
        request,
        "vehicles/module.html",
        {
            "module": module,
            "ports": module.ports.all(),
            "compatible": _compatible(module),
            "functions": [FUNCTION_NAMES.get(f, f) for f in module.functions],
        },
    )


# The configurator ------------------------------------------------------------


def _draft_from_post(data: Any) -> services.Draft:
    modules: dict[str, str] = {}
    for slug in data.getlist("modules"):
        key, n = slug, 2
        while key in modules:
            key, n = f"{slug}-{n}", n + 1
        modules[key] = slug
    links = []
    for line in str(data.get("links", "")).splitlines():
        left, sep, right = line.partition("->")
        if not sep:
            continue
        a, _dot, a_port = left.strip().rpartition(".")
        b, _dot, b_port = right.strip().rpartition(".")
        links.append([a, a_port, b, b_port])
    return services.Draft.from_data(
        {
            "platform": data.get("platform", ""),
            "modules": modules,
            "links": links,
            "payload": data.get("payload") or 0,
        }
    )


def links_text(links: list[list[str]]) -> str:
    return "\n".join(f"{a}.{ap} -> {b}.{bp}" for a, ap, b, bp in links)


def _analysis(draft: services.Draft) -> dict[str, Any]:
    titles = dict(
        Module.objects.filter(commons__slug__in=draft.items().values()).values_list(
            "commons__slug", "commons__title"
        )
    )
    item_titles = {k: titles.get(v, v) for k, v in draft.items().items()}
    problems = services.check(draft) if draft.platform else []
    explained = [
        {
            "problem": p,
            "text": explain(p, item_titles),
            "error": p.severity == "error",
            "adapters": services.adapters_for(p),
        }
        for p in problems
    ]
    return {
        "problems": explained,
        "errors": sum(1 for p in explained if p["error"]),
        "checked": bool(draft.platform),
    }


def _wire(draft: services.Draft) -> services.Draft:
    specs = services.module_specs(draft.items().values())
    platform = specs.get(draft.platform)
    if platform is None:
        return draft
    chosen = [specs[s] for s in draft.modules.values() if s in specs]
    proposal = completion.wire(platform, chosen, services.interface_specs())
    keys = {v: k for k, v in draft.modules.items()}
    draft.links = [
        [keys.get(link.a, link.a), link.a_port, keys.get(link.b, link.b), link.b_port]
        for link in proposal.links
    ]
    return draft


def _completion(draft: services.Draft, budget_text: str) -> dict[str, Any]:
    """Proposals completing the draft's platform, with its modules kept."""
    specs = services.module_specs()
    platform = specs.get(draft.platform)
    if platform is None:
        return {"proposals": [], "reasons": [], "no_platform": True}
    try:
        budget = float(budget_text) if budget_text.strip() else None
    except ValueError:
        budget = None
    kept = [specs[s] for s in draft.modules.values() if s in specs]
    have = compat.provided_functions([platform, *kept])
    result = completion.complete(
        dataclasses.replace(
            platform, functions=tuple(sorted(set(platform.functions) | have))
        ),
        [m for k, m in specs.items() if k != platform.key],
        services.interface_specs(),
        limits=completion.Limits(budget=budget, top=3),
    )
    titles = {k: m.title for k, m in specs.items()}
    proposals = []
    for proposal in result.proposals:
        added = [k for k in proposal.modules.values() if k != platform.key]
        slugs = [*draft.modules.values(), *added]
        proposals.append(
            {
                "titles": [titles[k] for k in added],
                "cost": proposal.cost,
                "mass": proposal.mass,
                "query": urlencode(
                    [("platform", draft.platform)] + [("modules", s) for s in slugs]
                ),
            }
        )
    return {
        "proposals": proposals,
        "reasons": [explain_reason(r) for r in result.reasons],
        "no_platform": False,
    }


def configurator(request: HttpRequest) -> HttpResponse:
    """Build a vehicle: GET shows it, POST checks it (and links it with
    ``wire``) without storing anything; htmx gets the result part only."""
    source = None
    if request.method == "POST":
        try:
            draft = _draft_from_post(request.POST)
        except services.VehicleError as exc:
            return HttpResponse(str(exc), status=422)
        if "wire" in request.POST:
            draft = _wire(draft)
        if "complete" in request.POST:
            return render(
                request,
                "vehicles/_completion.html",
                _completion(draft, request.POST.get("budget", "")),
            )
    elif request.GET.getlist("modules"):
        draft = _wire(_draft_from_post(request.GET))
    elif request.GET.get("from"):
        source = get_object_or_404(
            Configuration, commons__slug=request.GET["from"], commons__hidden=False
        )
        draft = services.Draft.of(source)
    else:
        draft = services.Draft(request.GET.get("platform", ""), {}, [])
    context = {
        "draft": draft,
        "links_text": links_text(draft.links),
        "selected": set(draft.modules.values()),
        "source": source,
        "can_update": source is not None and can_edit(request.user, source),
        **_analysis(draft),
    }
    if request.htmx:
        return render(request, "vehicles/_analysis.html", context)
    modules = services.modules_queryset()
    context["platforms"] = [m for m in modules if m.kind == ModuleKind.PLATFORM]
    context["groups"] = [
        (label, [m for m in modules if m.kind == value])
        for value, label in ModuleKind.choices
        if value != ModuleKind.PLATFORM
    ]
    return render(request, "vehicles/configurator.html", context)


@require_POST
@require_member
def configuration_save(request: HttpRequest) -> HttpResponse:
    try:
        draft = _draft_from_post(request.POST)
        title = request.POST.get("title", "")
        configuration = services.save_configuration(
            draft, user=request.user, title=title
        )
    except services.VehicleError as exc:
        messages.error(request, str(exc))
        return redirect("vehicles:configurator")
    messages.success(
        request, _("Vehicle saved: share its address, others can fork it.")
    )
    return redirect(configuration)


@require_POST
@require_member
def configuration_update(request: HttpRequest, slug: str) -> HttpResponse:
    configuration = get_object_or_404(Configuration, commons__slug=slug)
    if not can_edit(request.user, configuration):
        raise PermissionDenied
    try:
        services.update_configuration(
            configuration, _draft_from_post(request.POST), user=request.user
        )
    except services.VehicleError as exc:
        messages.error(request, str(exc))
    return redirect(configuration)


@require_POST
@require_member
def configuration_fork(request: HttpRequest, slug: str) -> HttpResponse:
    source = get_object_or_404(Configuration, commons__slug=slug, commons__hidden=False)
    copy = services.fork(source, user=request.user)
    messages.success(request, _("Your fork is saved; change it as you like."))
    return redirect(copy)


def _configuration(slug: str) -> Configuration:
    return get_object_or_404(
        Configuration.objects.select_related("commons", "forked_from__commons"),
        commons__slug=slug,
        commons__hidden=False,
    )


@require_GET
def configuration_detail(request: HttpRequest, slug: str) -> HttpResponse:
    configuration = _configuration(slug)
    draft = services.Draft.of(configuration)
    bom = services.bill_of_materials(draft)
    titles = dict(
        Module.objects.filter(commons__slug__in=draft.items().values()).values_list(
            "commons__slug", "commons__title"
        )
    )
    return render(
        request,
        "vehicles/configuration.html",
        {
            "configuration": configuration,
            "items": [
                (key, slug, titles.get(slug, slug))
                for key, slug in draft.items().items()
            ],
            "links": draft.links,
            "bom": bom,
            "can_update": can_edit(request.user, configuration),
            **_analysis(draft),
        },
    )


@require_GET
def configuration_bom(request: HttpRequest, slug: str) -> HttpResponse:
    configuration = _configuration(slug)
    bom = services.bill_of_materials(services.Draft.of(configuration))
    return render(
        request,
        "vehicles/bom.html",
        {"configuration": configuration, "bom": bom},
    )


@require_GET
def configuration_bom_csv(request: HttpRequest, slug: str) -> HttpResponse:
    configuration = _configuration(slug)
    bom = services.bill_of_materials(services.Draft.of(configuration))
    response = HttpResponse(
        bom_engine.to_csv(bom), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-bom.csv"'
    return response


@require_GET
def configuration_okh(request: HttpRequest, slug: str) -> HttpResponse:
    configuration = _configuration(slug)
    bom_url = request.build_absolute_uri(
        reverse("vehicles:configuration_bom_csv", args=[slug])
    )
    try:
        manifest = services.okh_manifest(configuration, bom_url=bom_url)
    except services.VehicleError as exc:
        return HttpResponse(
            str(exc), status=422, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(
        services.okh_toml(manifest), content_type="application/toml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-okh.toml"'
    return response
