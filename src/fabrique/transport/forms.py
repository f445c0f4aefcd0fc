"""Forms of the transport pages: datasets, resources, uploads, list filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Actor
from fabrique.transport.models import ResourceFormat, ReuseKind

ACCEPT = ".zip,.json,.pb,.bin,.xml,application/zip,application/json"


class DatasetForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        help_text=_("One sentence: what the data describes, for whom."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown: update rhythm, known limits, contact."),
    )
    licence = forms.CharField(
        label=_("Licence (SPDX identifier)"),
        max_length=64,
        required=False,
        help_text=_("For example ODbL-1.0, etalab-2.0 or CC-BY-4.0."),
    )
    publisher = forms.ModelChoiceField(
        label=_("Publisher"),
        queryset=Actor.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("An organisation you belong to that publishes the data."),
    )
    coverage = forms.CharField(
        label=_("Area covered"),
        max_length=200,
        required=False,
        help_text=_("A town, a region, a network…"),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.fields["publisher"].queryset = (  # type: ignore[attr-defined]
                Actor.objects.filter(
                    hidden=False, is_organisation=True, members__user=user
                )
                .distinct()
                .order_by("name")
            )

    def commons_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in ("title", "summary", "description", "licence")}


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    format = forms.ChoiceField(
        label=_("Format"), choices=ResourceFormat.choices, initial=ResourceFormat.GTFS
    )
    url = forms.URLField(
        label=_("Address of the file"),
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text=_(
            "Leave empty to publish by upload only. With an address, Fabrique "
            "fetches it and keeps a new version each time its content changes."
        ),
    )
    fetch_every_hours = forms.IntegerField(
        label=_("Fetch every (hours)"),
        required=False,
        min_value=1,
        max_value=24 * 30,
        help_text=_("Empty: fetch only when asked."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("A first version to publish now (optional)."),
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url") or ""
        if url and not url.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("Only http and https addresses."))
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("url") and data.get("fetch_every_hours"):
            self.add_error(
                "fetch_every_hours", _("A schedule needs an address to fetch.")
            )
        return data


class VersionUploadForm(forms.Form):
    file = forms.FileField(
        label=_("New version"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.TRANSPORT_MAX_UPLOAD
        self.fields["file"].help_text = _(
            "At most %(size)s MB. The same file twice makes no new version."
        ) % {"size": limit // 1024**2}


VALIDITY_CHOICES = [
    ("", _("Any validity")),
    ("valid", _("Valid")),
    ("expiring", _("Expiring within 30 days")),
    ("expired", _("Expired")),
]
ERRORS_CHOICES = [
    ("", _("With or without errors")),
    ("yes", _("With errors")),
    ("no", _("Without errors")),
]


class DatasetFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("All formats")), *ResourceFormat.choices],
    )
    publisher = forms.ChoiceField(label=_("Publisher"), required=False, choices=[])
    validity = forms.ChoiceField(
        label=_("Validity"), required=False, choices=VALIDITY_CHOICES
    )
    errors = forms.ChoiceField(
        label=_("Errors"), required=False, choices=ERRORS_CHOICES
    )

    def __init__(
        self, *args: Any, publishers: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].choices = [  # type: ignore[attr-defined]
            ("", _("All publishers")),
            *(publishers or []),
        ]


class ReuseForm(forms.Form):
    title = forms.CharField(label=_("Title of the reuse"), max_length=200)
    url = forms.URLField(
        label=_("Its address"),
        max_length=1000,
        assume_scheme="https",
        help_text=_("The application, map, article or service that uses the data."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ReuseKind.choices)
    by = forms.CharField(
        label=_("Made by"),
        max_length=200,
        required=False,
        help_text=_("A person, a company, a lab… (optional)."),
    )
