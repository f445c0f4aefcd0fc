"""Problems of the checker in the visitor's language."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from fabrique.vehicles.compat import CompatError, Problem, read_value

TEMPLATES = {
    "no_platform": _("Pick a platform."),
    "unknown_module": _("%(item)s: this module is not in the catalogue."),
    "unknown_item": _("A link names %(item)s, which is not in the vehicle."),
    "unknown_port": _("%(port_a)s: no such port."),
    "unknown_interface": _("%(port_a)s: unknown interface type %(value_a)s."),
    "port_overused": _("%(port_a)s takes %(value_a)s link(s) only."),
    "interface_mismatch": _(
        "%(port_a)s (%(value_a)s) and %(port_b)s (%(value_b)s) are of different"
        " interface types: they need an adapter."
    ),
    "interface_version_mismatch": _(
        "%(port_a)s and %(port_b)s use versions %(value_a)s and %(value_b)s."
    ),
    "role_mismatch": _(
        "%(port_a)s and %(port_b)s are both %(value_a)s/%(value_b)s: one must"
        " supply or carry, the other draw or be carried."
    ),
    "parameter_missing": _("%(port_a)s or %(port_b)s does not state %(parameter)s."),
    "unit_invalid": _("%(port_a)s: “%(value_a)s” is not a unit (%(parameter)s)."),
    "unit_mismatch": _(
        "%(port_a)s: %(parameter)s is given in %(value_a)s, expected a unit"
        " like %(value_b)s."
    ),
    "parameter_incompatible": _(
        "%(parameter)s: %(port_a)s has %(value_a)s, %(port_b)s has %(value_b)s"
        " (%(rule)s)."
    ),
    "mass_over_load_rating": _(
        "The modules and payload weigh %(value_a)s; the platform carries %(value_b)s."
    ),
    "battery_voltage_out_of_range": _(
        "The battery supplies %(value_a)s (%(port_a)s) but %(port_b)s accepts"
        " %(value_b)s."
    ),
    "charger_battery_mismatch": _(
        "%(item)s cannot charge %(item_b)s: %(parameter)s %(value_a)s against"
        " %(value_b)s."
    ),
    "function_missing": _("No module provides the function “%(parameter)s”."),
    "module_not_connected": _("%(item)s is linked to nothing yet."),
}

RULE_TEXT = {
    "equal": _("they must be equal"),
    "overlap": _("they must overlap"),
    "host_within_guest": _("the first must lie within the second"),
    "guest_within_host": _("the second must lie within the first"),
    "host_at_least_guest": _("the first must be at least the second"),
    "guest_at_least_host": _("the second must be at least the first"),
}

PARAM_NAMES = {
    "voltage": _("voltage"),
    "current": _("electric current"),
    "connector": _("connector"),
    "protocol": _("protocol"),
    "bitrate": _("bit rate"),
    "profile": _("profile"),
    "diameter": _("diameter"),
    "width": _("width"),
    "load": _("load"),
    "section": _("section"),
    "bolt": _("bolt"),
    "spacing": _("spacing"),
    "pattern": _("bolt pattern"),
    "axle": _("axle"),
    "mass": _("mass"),
}

FUNCTION_NAMES = {
    "structure": _("structure"),
    "steering": _("steering"),
    "propulsion": _("propulsion"),
    "energy_storage": _("energy storage"),
    "charging": _("charging"),
    "braking": _("braking"),
    "lighting": _("lighting"),
    "seating": _("seating"),
    "cargo": _("cargo"),
    "body": _("body"),
    "control": _("control"),
    "signalling": _("signalling"),
}


def value_text(raw: object) -> str:
    """A port parameter as people read it (``42–54.6 V``)."""
    try:
        return read_value(raw).text()
    except CompatError:
        return str(raw)


def _port(name: str, titles: Mapping[str, str]) -> str:
    item, _sep, port = name.partition(".")
    return f"{titles.get(item, item)} › {port}" if port else titles.get(item, item)


def explain(problem: Problem, titles: Mapping[str, str]) -> str:
    """``problem`` in words, modules named by their titles (item key → title)."""
    ports = [_port(p, titles) for p in problem.ports] + ["", ""]
    values = [*problem.values, "", ""]
    items = [titles.get(i, i) for i in problem.items] + ["", ""]
    parameter = problem.parameter
    if problem.code == "function_missing":
        parameter = str(FUNCTION_NAMES.get(parameter, parameter))
    else:
        parameter = str(PARAM_NAMES.get(parameter, parameter))
    if problem.code == "charger_battery_mismatch" and not problem.values:
        values = [str(_("no matching charging port")), "—"]
    rule = problem.detail.get("rule", "")
    return str(TEMPLATES[problem.code]) % {
        "port_a": ports[0],
        "port_b": ports[1],
        "value_a": values[0],
        "value_b": values[1],
        "item": items[0],
        "item_b": items[1],
        "parameter": parameter,
        "rule": RULE_TEXT.get(rule, rule),
    }


REASONS = {
    "no_candidate": _(
        "No module provides “%(function)s” within the limits%(dropped)s."
    ),
    "blocked_by_budget": _(
        "The budget is too small: the cheapest module of each missing function"
        " already costs %(cheapest)s €."
    ),
    "blocked_by_mass": _("Every set that fits weighs more than the mass limit."),
    "blocked_by_load": _("Every set that fits weighs more than the platform carries."),
    "blocked_by_power": _(
        "No battery of the catalogue suits every powered module of a set."
    ),
    "blocked_by_charger": _("No charger of the catalogue fits the batteries."),
    "blocked_by_capacity": _("The platform has too few free mounting points."),
    "conflicting_constraints": _("The constraints conflict with each other."),
}

DROPPED = {
    "licence": _("licence"),
    "budget": _("budget"),
    "mass": _("mass"),
    "mount": _("no fitting mount on the platform"),
}


def explain_reason(reason: Mapping[str, object]) -> str:
    """A completion's reason for finding nothing, in words."""
    dropped = reason.get("dropped") or {}
    assert isinstance(dropped, Mapping)
    detail = ", ".join(
        f"{DROPPED.get(str(k), k)}: {n}" for k, n in sorted(dropped.items())
    )
    function = str(reason.get("function", ""))
    return str(REASONS.get(str(reason["code"]), reason["code"])) % {
        "function": FUNCTION_NAMES.get(function, function),
        "dropped": f" ({detail})" if detail else "",
        "cheapest": reason.get("cheapest", ""),
    }
