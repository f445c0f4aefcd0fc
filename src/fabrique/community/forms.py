"""Forms of the community pages (the rules stay in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
