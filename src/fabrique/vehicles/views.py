"""Pages: module catalogue, module page, configurator, vehicle and its BOM."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fabrique.catalog.models import Commons
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
    Part,
    Port,
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
            "interfaces": list(
                {
                    i.key: i for i in InterfaceType.objects.order_by("key", "version")
                }.values()
            ),
            "held": _held_hardware(request),
            "kind": kind,
            "interface": interface,
            "configurations": Configuration.objects.filter(
                commons__hidden=False
            ).select_related("commons")[:20],
        },
    )


def _held_hardware(request: HttpRequest) -> list[Commons]:
    """The signed-in member's hardware commons that are not modules yet."""
    if not request.user.is_authenticated:
        return []
    return list(
        Commons.objects.filter(
            kind="hardware",
            hidden=False,
            vehicle_module__isnull=True,
            vehicle_configuration__isnull=True,
            memberships__user=request.user,
            memberships__role="holder",
            memberships__status="active",
        ).order_by("title")[:20]
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
            "can_change": services.can_change_module(request.user, module.commons),
        },
    )


# The configurator ------------------------------------------------------------


MAX_COPIES = 20


def _chosen(data: Any) -> list[str]:
    """Module slugs as picked: ``modules`` (once per copy) and ``n-<slug>``
    quantities (the configurator's number fields) added up."""
    slugs = list(data.getlist("modules"))
    for name in data:
        if not name.startswith("n-"):
            continue
        try:
            count = int(data.get(name) or 0)
        except ValueError as exc:
            raise services.VehicleError(
                _("A quantity is a whole number of modules.")
            ) from exc
        if not 0 <= count <= MAX_COPIES:
            raise services.VehicleError(
                _("A module can be added from 0 to %(max)s times.")
                % {"max": MAX_COPIES}
            )
        slugs += [name[2:]] * count
    return slugs


def _draft_from_post(data: Any) -> services.Draft:
    modules: dict[str, str] = {}
    for slug in _chosen(data):
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


def _counts(draft: services.Draft) -> dict[str, int]:
    counts: dict[str, int] = {}
    for slug in draft.modules.values():
        counts[slug] = counts.get(slug, 0) + 1
    return counts


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
        "selected": _counts(draft),
        "source": source,
        "can_update": source is not None and can_edit(request.user, source),
        **_analysis(draft),
    }
    if request.htmx:
        return render(request, "vehicles/_analysis.html", context)
    modules = services.modules_queryset()
    context["platforms"] = [m for m in modules if m.kind == ModuleKind.PLATFORM]
    counts = context["selected"]
    context["groups"] = [
        (
            label,
            [(m, counts.get(m.commons.slug, 0)) for m in modules if m.kind == value],
        )
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


# Editing a module (holders of its commons) ------------------------------------


def _module_context(
    request: HttpRequest, commons: Commons, module: Module | None
) -> dict[str, Any]:
    interfaces = list(InterfaceType.objects.select_related("commons"))
    chosen = request.POST.get("interface") or request.GET.get("interface") or ""
    interface = next((i for i in interfaces if str(i.pk) == chosen), None)
    return {
        "commons": commons,
        "module": module,
        "kinds": ModuleKind.choices,
        "roles": Role.choices,
        "interfaces": interfaces,
        "interface": interface,
        "param_fields": _param_fields(interface, request.POST),
        "ports": (
            [
                {
                    "port": p,
                    "fields": _param_fields(p.interface, None, p.params),
                }
                for p in module.ports.select_related("interface")
            ]
            if module
            else []
        ),
        "parts": module.parts.all() if module else [],
        "values": {},
        "port_values": {},
        "part_values": {},
    }


def _param_fields(
    interface: InterfaceType | None,
    data: Any,
    stored: dict[str, Any] | None = None,
) -> list[dict[str, str]]:
    if interface is None:
        return []
    fields = []
    for param in interface.parameters:
        name = param["name"]
        if data is not None and f"param-{name}" in data:
            value = data.get(f"param-{name}", "")
        elif stored and name in stored:
            value = value_text(stored[name])
        else:
            value = ""
        fields.append(
            {
                "name": name,
                "label": str(PARAM_NAMES.get(name, name)),
                "unit": param.get("unit", ""),
                "value": value,
            }
        )
    return fields


def _params(data: Any, interface: InterfaceType | None) -> dict[str, str]:
    if interface is None:
        return {}
    return {
        p["name"]: data.get(f"param-{p['name']}", "")
        for p in interface.parameters
        if f"param-{p['name']}" in data
    }


def _held_commons(request: HttpRequest, slug: str) -> tuple[Commons, Module | None]:
    commons = get_object_or_404(Commons, slug=slug, hidden=False)
    if not services.can_change_module(request.user, commons):
        raise PermissionDenied
    return commons, Module.objects.filter(commons=commons).first()


@require_member
def module_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Make a held hardware commons a module, or change its profile; the page
    also lists its ports and parts with their forms."""
    commons, module = _held_commons(request, slug)
    if request.htmx and request.method == "GET" and "interface" in request.GET:
        return render(
            request,
            "vehicles/_port_fields.html",
            _module_context(request, commons, module),
        )
    status = 200
    error = ""
    if request.method == "POST":
        fields = {
            "user": request.user,
            "kind": request.POST.get("kind", ""),
            "mass": request.POST.get("mass", ""),
            "mass_unit": request.POST.get("mass_unit", "kg"),
            "cost": request.POST.get("cost", "0"),
        }
        try:
            if module is None:
                services.make_module(commons, **fields)
                messages.success(request, _("This commons is now a vehicle module."))
            else:
                services.update_module(module, **fields)
                messages.success(request, _("Module saved."))
            return redirect("vehicles:module_edit", slug=slug)
        except services.VehicleError as exc:
            error, status = str(exc), 422
    context = _module_context(request, commons, module)
    context["profile_error"] = error
    context["values"] = request.POST
    return render(request, "vehicles/module_edit.html", context, status=status)


def _edit_error(
    request: HttpRequest, commons: Commons, module: Module, key: str, error: str
) -> HttpResponse:
    context = _module_context(request, commons, module)
    context[key] = error
    context[key.replace("error", "values")] = request.POST
    return render(request, "vehicles/module_edit.html", context, status=422)


def _module_of(request: HttpRequest, slug: str) -> tuple[Commons, Module]:
    commons, module = _held_commons(request, slug)
    if module is None:
        raise Http404
    return commons, module


def _port_data(request: HttpRequest) -> dict[str, Any]:
    interface = InterfaceType.objects.filter(
        pk=request.POST.get("interface") or 0
    ).first()
    return {
        "name": request.POST.get("name", ""),
        "interface": interface,
        "role": request.POST.get("role", ""),
        "params": _params(request.POST, interface),
        "links": request.POST.get("links", "1"),
    }


@require_POST
@require_member
def port_add(request: HttpRequest, slug: str) -> HttpResponse:
    commons, module = _module_of(request, slug)
    try:
        port = services.add_port(module, user=request.user, **_port_data(request))
    except services.VehicleError as exc:
        return _edit_error(request, commons, module, "port_error", str(exc))
    messages.success(request, _("Port %(name)s added.") % {"name": port.name})
    return redirect("vehicles:module_edit", slug=slug)


@require_POST
@require_member
def port_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _commons, module = _module_of(request, slug)
    port = get_object_or_404(Port, pk=pk, module=module)
    try:
        services.update_port(port, user=request.user, **_port_data(request))
    except services.VehicleError as exc:
        messages.error(request, f"{port.name}: {exc}")
        return redirect("vehicles:module_edit", slug=slug)
    messages.success(request, _("Port %(name)s saved.") % {"name": port.name})
    return redirect("vehicles:module_edit", slug=slug)


@require_POST
@require_member
def port_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _commons, module = _module_of(request, slug)
    port = get_object_or_404(Port, pk=pk, module=module)
    services.remove_port(port, user=request.user)
    messages.success(request, _("Port %(name)s removed.") % {"name": port.name})
    return redirect("vehicles:module_edit", slug=slug)


@require_POST
@require_member
def part_add(request: HttpRequest, slug: str) -> HttpResponse:
    commons, module = _module_of(request, slug)
    try:
        part = services.add_part(module, user=request.user, data=request.POST)
    except services.VehicleError as exc:
        return _edit_error(request, commons, module, "part_error", str(exc))
    messages.success(request, _("Part %(name)s added.") % {"name": part.name})
    return redirect("vehicles:module_edit", slug=slug)


@require_POST
@require_member
def part_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _commons, module = _module_of(request, slug)
    part = get_object_or_404(Part, pk=pk, module=module)
    try:
        services.update_part(part, user=request.user, data=request.POST)
    except services.VehicleError as exc:
        messages.error(request, f"{part.name}: {exc}")
        return redirect("vehicles:module_edit", slug=slug)
    messages.success(request, _("Part %(name)s saved.") % {"name": part.name})
    return redirect("vehicles:module_edit", slug=slug)


@require_POST
@require_member
def part_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _commons, module = _module_of(request, slug)
    part = get_object_or_404(Part, pk=pk, module=module)
    services.remove_part(part, user=request.user)
    messages.success(request, _("Part %(name)s removed.") % {"name": part.name})
    return redirect("vehicles:module_edit", slug=slug)


# Interface types ----------------------------------------------------------------


@require_GET
def interfaces(request: HttpRequest) -> HttpResponse:
    rows = InterfaceType.objects.select_related("commons").annotate(
        port_count=Count("ports")
    )
    groups: dict[str, list[InterfaceType]] = {}
    for row in rows:
        groups.setdefault(row.key, []).append(row)
    return render(
        request,
        "vehicles/interfaces.html",
        {
            "groups": [
                {
                    "key": key,
                    "latest": versions[-1],
                    "versions": versions,
                    "params": [
                        (str(PARAM_NAMES.get(p["name"], p["name"])), p)
                        for p in versions[-1].parameters
                    ],
                }
                for key, versions in sorted(
                    groups.items(), key=lambda kv: (kv[1][-1].category, kv[0])
                )
            ],
            "rules": compat.PARAM_RULES,
        },
    )


@require_member
def interface_propose(request: HttpRequest, key: str) -> HttpResponse:
    versions = list(InterfaceType.objects.filter(key=key).select_related("commons"))
    if not versions:
        raise Http404
    previous = versions[-1]
    error = ""
    if request.method == "POST":
        try:
            created = services.propose_version(
                previous,
                user=request.user,
                version=request.POST.get("version", ""),
                parameters=request.POST.get("parameters", ""),
                documentation=request.POST.get("documentation", ""),
            )
        except services.VehicleError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("Version %(version)s proposed; the earlier versions stay.")
                % {"version": created.version},
            )
            return redirect(created.commons)
    parameters = request.POST.get("parameters") or "\n".join(
        f"{p['name']} {p.get('unit') or '-'} {p['rule']}" for p in previous.parameters
    )
    return render(
        request,
        "vehicles/interface_propose.html",
        {
            "previous": previous,
            "versions": versions,
            "version_list": ", ".join(v.version for v in versions),
            "parameters": parameters,
            "error": error,
            "values": request.POST,
            "rules": compat.PARAM_RULES,
        },
        status=422 if error else 200,
    )
