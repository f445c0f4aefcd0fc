"""``{{ rule|rule_text }}``: a GTFS rule's texts in the page's language."""

from __future__ import annotations

from django import template

from fabrique.gtfs.rules.registry import Rule
from fabrique.gtfs.rules.texts import RuleText
from fabrique.transport.reports import localised

register = template.Library()


@register.filter
def rule_text(rule: Rule) -> RuleText:
    return localised(rule)
