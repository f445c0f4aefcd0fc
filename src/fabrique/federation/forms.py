"""The harvest source form of the administrators' pages: it only cleans
input (the address with the fetcher's own rules); the views save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.forms import ListField
from fabrique.catalog.models import Kind
from fabrique.federation.fetching import check_address
from fabrique.federation.models import HarvestSource, SourceKind

#: Schedules offered (seconds); a source set otherwise (by the command)
#: keeps its own in the choices.
SCHEDULES = (
    (900, _("every 15 minutes")),
    (3600, _("every hour")),
    (6 * 3600, _("every 6 hours")),
    (86_400, _("every day")),
    (7 * 86_400, _("every week")),
)


def schedule_label(seconds: int) -> str:
    """How often a source is harvested, in words."""
    known = dict(SCHEDULES).get(seconds)
    if known is not None:
        return str(known)
    return str(_("every %(n)s seconds") % {"n": seconds})


class HarvestSourceForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_(
            "The instance's home page, the DCAT-AP catalogue's address, or "
            "the portal's home page (udata, CKAN)."
        ),
    )
    every_seconds = forms.TypedChoiceField(
        label=_("Schedule"), coerce=int, choices=SCHEDULES, initial=3600
    )
    filter_kinds = forms.MultipleChoiceField(
        label=_("Only these kinds"),
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every kind."),
    )
    filter_themes = ListField(
        label=_("Only these themes"),
        required=False,
        help_text=_("Theme names at the source, separated by commas; empty: all."),
    )
    filter_licences = ListField(
        label=_("Only these licences"),
        required=False,
        help_text=_("SPDX identifiers (CC-BY-4.0, ODbL-1.0…) separated by commas."),
    )

    class Meta:
        model = HarvestSource
        fields = [
            "name",
            "url",
            "kind",
            "every_seconds",
            "filter_kinds",
            "filter_themes",
            "filter_licences",
            "delete_missing",
            "enabled",
        ]
        help_texts = {
            "delete_missing": _(
                "After a complete harvest, delete the commons the source no "
                "longer lists."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["kind"].initial = SourceKind.FABRIQUE
        current = self.instance.every_seconds if self.instance.pk else None
        field = self.fields["every_seconds"]
        assert isinstance(field, forms.TypedChoiceField)
        if current and current not in dict(SCHEDULES):
            field.choices = [*SCHEDULES, (current, schedule_label(current))]

    def clean_url(self) -> str:
        url = check_address(self.cleaned_data.get("url", ""))
        same = HarvestSource.objects.filter(url=url)
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(
                _("The source “%(name)s” already harvests this address."),
                params={"name": same.first()},
                code="duplicate",
            )
        return url
