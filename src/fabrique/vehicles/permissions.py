"""Who may change vehicle objects (registered with fabrique.core.permissions)."""

from __future__ import annotations

from typing import Any

from fabrique.core.permissions import can_edit, edit_rule, is_commons_holder
from fabrique.vehicles.models import Configuration, Module, Port


@edit_rule(Module)
def _module(user: Any, obj: Module) -> bool:
    # A module is completed like its commons: anyone signed in (a revision each).
    return can_edit(user, obj.commons)


@edit_rule(Port)
def _port(user: Any, obj: Port) -> bool:
    return can_edit(user, obj.module)


@edit_rule(Configuration)
def _configuration(user: Any, obj: Configuration) -> bool:
    # A saved vehicle is its holders'; others fork it.
    return is_commons_holder(user, obj.commons)
