"""Forms of the catalogue pages. They only clean input; services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import (
    Actor,
    Commons,
    CommunityMembership,
    Need,
    Place,
    Theme,
)
from fabrique.catalog.services import (
    ACTOR_EDITABLE,
    COMMONS_EDITABLE,
    MAX_LIST_ITEMS,
    normalise_text,
)
from fabrique.core.markdown import validate_markdown


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Model form fields, with web addresses assumed https when unprefixed."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class MarkdownTextarea(forms.Textarea):
    """A textarea whose content is Markdown: the page offers a preview."""

    is_markdown = True


def _markdown_validators(fields: dict[str, forms.Field]) -> None:
    for field in fields.values():
        if isinstance(field.widget, MarkdownTextarea):
            field.validators.append(validate_markdown)

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"rows": 8, **(attrs or {})})


class ListField(forms.CharField):
    """A comma-separated list of short texts (tags, skills)."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        items = [item.strip() for item in text.split(",")]
        return list(dict.fromkeys(item for item in items if item))

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], "required")
        if len(value) > MAX_LIST_ITEMS:
            raise forms.ValidationError(
                _("At most %(limit)s items."),
                params={"limit": MAX_LIST_ITEMS},
                code="too_many",
            )
        for item in value:
            if len(item) > 60:
                raise forms.ValidationError(
                    _("“%(item)s” is longer than 60 characters."),
                    params={"item": item[:60]},
                    code="too_long",
                )


class RevisionedForm(forms.Form):
    """Base of the edit forms: the revision the edit starts from, a comment."""

    base_revision = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0
    )
    comment = forms.CharField(
        label=_("Comment on this edit"),
        required=False,
        max_length=300,
        help_text=_("What did you change, and why? Shown in the history."),
    )

    #: Fields of the model the form edits, in the order shown.
    content_fields: tuple[str, ...] = ()

    def content(self) -> dict[str, Any]:
        """The cleaned content, shaped like a revision's content."""
        return {
            name: normalise_text(self.cleaned_data[name])
            for name in self.content_fields
        }


_COMMONS_WIDGETS = {
    "description": MarkdownTextarea(),
    "pillar_resource": MarkdownTextarea(attrs={"rows": 4}),
    "pillar_community": MarkdownTextarea(attrs={"rows": 4}),
    "pillar_governance": MarkdownTextarea(attrs={"rows": 4}),
    "summary": forms.TextInput(),
}


class CommonsForm(RevisionedForm):
    content_fields = COMMONS_EDITABLE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            Commons,
            fields=[f for f in COMMONS_EDITABLE if f != "tags"],
            widgets=_COMMONS_WIDGETS,
            formfield_callback=_formfield,
        )
        fields: dict[str, forms.Field] = {}
        for name in COMMONS_EDITABLE:
            if name == "tags":
                fields[name] = ListField(
                    label=_("Tags"),
                    required=False,
                    help_text=_("Separated by commas."),
                )
            else:
                fields[name] = model_fields[name]
            if name == "kind":
                fields["themes"] = forms.ModelMultipleChoiceField(
                    Theme.objects.all(),
                    label=_("Themes"),
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
        _markdown_validators(fields)
        fields["licence"].help_text = _(
            "An SPDX identifier, e.g. CC-BY-4.0, ODbL-1.0, MIT, CERN-OHL-S-2.0."
        )
        self.fields = {**fields, **self.fields}


class ActorForm(RevisionedForm):
    content_fields = ACTOR_EDITABLE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_fields = forms.fields_for_model(
            Actor,
            fields=[f for f in ACTOR_EDITABLE if f != "skills"],
            widgets={"description": MarkdownTextarea(), "summary": forms.TextInput()},
            formfield_callback=_formfield,
        )
        fields: dict[str, forms.Field] = {}
        for name in ACTOR_EDITABLE:
            if name == "skills":
                fields[name] = ListField(
                    label=_("Skills"),
                    required=False,
                    help_text=_("Separated by commas."),
                )
            else:
                fields[name] = model_fields[name]
        _markdown_validators(fields)
        fields["is_organisation"].help_text = _("Untick for a person.")
        self.fields = {**fields, **self.fields}


class NeedForm(forms.ModelForm):
    class Meta:
        model = Need
        fields = ["title", "help_kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class JoinForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Join as"),
        choices=CommunityMembership.Role.choices,
        initial=CommunityMembership.Role.CONTRIBUTOR,
    )
    actor = forms.ModelChoiceField(
        Actor.objects.none(),
        label=_("On behalf of"),
        required=False,
        empty_label=_("myself"),
    )
    message = forms.CharField(
        label=_("Message to the holders"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.fields["actor"].queryset = Actor.objects.filter(members__user=user)
        if not self.fields["actor"].queryset.exists():
            del self.fields["actor"]


class DiscussionForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=20_000,
        validators=[validate_markdown],
        widget=MarkdownTextarea(attrs={"rows": 5}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=20_000,
        widget=MarkdownTextarea(attrs={"rows": 5}),
    )


class ImageForm(forms.Form):
    image = forms.FileField(
        label=_("Image"),
        help_text=_("PNG, JPEG, GIF or WebP."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )
    alt = forms.CharField(
        label=_("Text alternative"),
        max_length=200,
        help_text=_("What the image shows, for people who cannot see it."),
    )


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ["name", "city", "postcode", "lat", "lon"]
