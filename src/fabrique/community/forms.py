"""Forms of the community pages (the rules stay in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import Kind
from fabrique.community.lifecycle import State
from fabrique.community.models import CAP_MAX, CAP_MIN, Challenge, Participation
from fabrique.community.questions import validate_question


class NeedForm(forms.Form):
    title = forms.CharField(
        label=_("Your need, as a question"),
        max_length=200,
        help_text=_("For example: “How can we share more bikes?”"),
        validators=[validate_question],
    )
    description = forms.CharField(
        label=_("Context"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=50_000,
    )
    place_name = forms.CharField(label=_("Where"), required=False, max_length=200)


class SubDomainForm(forms.Form):
    title = forms.CharField(label=_("Sub-domain"), max_length=200)


class ChallengeForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = [
            "subdomain", "title", "goal", "success_criteria", "deadline",
            "place_name", "lat", "lon", "cap",
        ]  # fmt: skip
        widgets = {
            "goal": forms.Textarea(attrs={"rows": 3}),
            "success_criteria": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
            "cap": forms.NumberInput(attrs={"min": CAP_MIN, "max": CAP_MAX}),
        }

    def __init__(self, *args, need, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["subdomain"].queryset = need.subdomains.all()
        self.fields["cap"].help_text = _("Between %(min)s and %(max)s people.") % {
            "min": CAP_MIN,
            "max": CAP_MAX,
        }


class JoinForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Take part as"),
        choices=Participation.Role.choices,
        initial=Participation.Role.FIELD_ACTOR,
    )


class TransitionForm(forms.Form):
    target = forms.ChoiceField(choices=State.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=5000, widget=forms.Textarea
    )


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label=_("What did you observe?"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rating = forms.TypedChoiceField(
        label=_("How well did it work?"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *((n, str(n)) for n in range(1, 6))],
    )


class BetaForm(forms.Form):
    title = forms.CharField(label=_("Beta version"), max_length=200)
    description = forms.CharField(
        label=_("What it does"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = forms.URLField(
        label=_("Where to try it"), required=False, assume_scheme="https"
    )
    commons = forms.SlugField(
        label=_("It completes the commons (its slug)"),
        required=False,
        max_length=220,
        help_text=_("Leave empty to create a new commons below."),
    )
    new_title = forms.CharField(
        label=_("Or a new commons: its title"), required=False, max_length=200
    )
    new_summary = forms.CharField(
        label=_("The new commons' summary"), required=False, max_length=300
    )
    new_kind = forms.ChoiceField(
        label=_("The new commons' kind"), choices=Kind.choices, required=False
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if bool(data.get("commons")) == bool(data.get("new_title")):
            raise forms.ValidationError(
                _("Name the commons this beta completes, or describe a new one.")
            )
        if data.get("new_title") and not data.get("new_summary"):
            self.add_error("new_summary", _("A new commons needs a summary."))
        return data


class ExperimentForm(forms.Form):
    title = forms.CharField(label=_("Experiment"), max_length=200)
    place_name = forms.CharField(label=_("Place"), max_length=200)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    starts = forms.DateField(
        label=_("Starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends = forms.DateField(
        label=_("Ends"), widget=forms.DateInput(attrs={"type": "date"})
    )
    protocol = forms.CharField(
        label=_("Protocol"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DomainForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, max_length=300)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SplitRequestForm(forms.Form):
    message = forms.CharField(
        label=_("What you would like to see split (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SplitDeclineForm(forms.Form):
    answer = forms.CharField(
        label=_("Why not split it (shown to the carriers)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
