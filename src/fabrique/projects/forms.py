"""Forms of the project pages. They only clean input; services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Actor, Commons
from fabrique.projects.models import ContributionKind, Funding, Project

MAX_COMMONS = 200


class ProjectForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("Carried by"), queryset=Actor.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Project.Kind.choices)
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Actor.objects.filter(hidden=False)
            .filter(Q(members__user=user, members__role="admin") | Q(user=user))
            .distinct()
            .order_by("name")
        )
        field.help_text = _("An actor you administer.")


class CommonsSlugsField(forms.CharField):
    """Commons named by their address (slug), one per line or comma-separated."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(getattr(v, "slug", str(v)) for v in value)
        return value

    def to_python(self, value: Any) -> list[Commons]:  # type: ignore[override]
        text = super().to_python(value) or ""
        slugs = list(
            dict.fromkeys(
                part.strip().strip("/").rsplit("/", 1)[-1]
                for part in text.replace(",", "\n").splitlines()
                if part.strip()
            )
        )
        if len(slugs) > MAX_COMMONS:
            raise forms.ValidationError(
                _("At most %(max)d commons; you gave %(count)d."),
                params={"max": MAX_COMMONS, "count": len(slugs)},
            )
        found = {
            c.slug: c for c in Commons.objects.filter(slug__in=slugs, hidden=False)
        }
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise forms.ValidationError(
                _("No commons with the address: %(slugs)s."),
                params={"slugs": ", ".join(unknown[:10])},
            )
        return [found[slug] for slug in slugs]


class ContractForm(forms.Form):
    uses = CommonsSlugsField(
        label=_("Commons it uses"),
        required=False,
        help_text=_("The address of each commons (e.g. velos-partages), one a line."),
    )
    contributes_to = CommonsSlugsField(
        label=_("Commons it contributes to"),
        required=False,
        help_text=_("The address of each commons, one a line."),
    )


class AccompanimentForm(forms.Form):
    accompaniment = forms.ChoiceField(
        label=_("Accompaniment"), choices=Project.Accompaniment.choices
    )


class ContributionForm(forms.Form):
    """Record what you (or an organisation you belong to) gave."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ContributionKind.choices)
    description = forms.CharField(
        label=_("What was done"),
        max_length=300,
        help_text=_("One sentence a holder can check."),
    )
    evidence_url = forms.URLField(
        label=_("Evidence"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("A link that shows it: a merge request, a file, a report."),
    )
    actor = forms.ModelChoiceField(
        label=_("On behalf of"),
        queryset=Actor.objects.none(),
        required=False,
        empty_label=_("myself"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Actor.objects.filter(hidden=False, members__user=user)
            .distinct()
            .order_by("name")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def fundable_actors(user: Any) -> Any:
    """Actors ``user`` records money for: organisations they administer, and
    their own person page."""
    if not getattr(user, "is_authenticated", False):
        return Actor.objects.none()
    return (
        Actor.objects.filter(hidden=False)
        .filter(
            Q(members__user=user, members__role="admin", user__isnull=True)
            | Q(user=user)
        )
        .distinct()
        .order_by("name")
    )


def _amount_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class DateInput(forms.DateInput):
    input_type = "date"


class FundingForm(forms.Form):
    """A pledge or a grant of a funder the person acts for."""

    funder = forms.ModelChoiceField(
        label=_("Funder"), queryset=Actor.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Funding.Kind.choices,
        help_text=_("A pledge promises; a grant is paid."),
    )
    amount = _amount_field()
    currency = forms.ChoiceField(label=_("Currency"), initial="EUR")
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DateInput,
        help_text=_("Today if empty."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["funder"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = fundable_actors(user)
        field.help_text = _(
            "An organisation you administer, or yourself (shown as a person)."
        )
        from fabrique.projects.funding import currencies

        currency = self.fields["currency"]
        assert isinstance(currency, forms.ChoiceField)
        currency.choices = [(code, code) for code in currencies()]


class ConvertForm(forms.Form):
    """Pay (part of) a pledge as a grant."""

    amount = _amount_field()
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False)
    date = forms.DateField(
        label=_("Date paid"),
        required=False,
        widget=DateInput,
        help_text=_("Today if empty."),
    )


class ExpenseForm(forms.Form):
    """What the commons spent of a received grant, with its proof."""

    amount = _amount_field()
    date = forms.DateField(label=_("Date"), widget=DateInput)
    purpose = forms.CharField(label=_("What it paid for"), max_length=300)
    receipt = forms.FileField(
        label=_("Receipt"),
        required=False,
        help_text=_("A PDF, PNG or JPEG file."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/png,image/jpeg"}
        ),
    )
    receipt_url = forms.URLField(
        label=_("Or a link to the receipt"),
        required=False,
        max_length=200,
        assume_scheme="https",
    )
