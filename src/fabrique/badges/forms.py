"""Forms of the badge pages: badge classes, issuer profiles, awards, endorsements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fabrique.core.uploads import ImageRejected, reencode_image

from .models import BadgeClass, Issuer


def skill_choices() -> list[tuple[str, str]]:
    from fabrique.community import skills

    language = (get_language() or "fr")[:2]
    return [
        (code, skill.label(language))
        for code, skill in sorted(skills.skills_by_code().items())
    ]


class BadgeClassForm(forms.ModelForm):
    """A badge class; on creation, the issuer is chosen among the user's own."""

    issuer_ref = forms.ChoiceField(label=_("Issuer"), choices=())
    skills = forms.MultipleChoiceField(
        label=_("Skills it recognises"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = BadgeClass
        fields = [
            "name",
            "description",
            "criteria",
            "kind",
            "rule",
            "rule_count",
            "nominations_open",
            "skills",
            "image",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "criteria": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "rule_count": _(
                "Used by the rules that count (N contributions, N experiments)."
            ),
            "image": _("PNG, JPEG, GIF or WebP; checked by its content."),
        }

    def __init__(self, *args: Any, issuers: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices()
        if self.instance.pk:
            del self.fields["issuer_ref"]
        else:
            self.fields["issuer_ref"].choices = issuers
            self.order_fields(["issuer_ref"])

    def clean_image(self) -> Any:
        upload = self.cleaned_data.get("image")
        if not upload or not hasattr(upload, "content_type"):
            return upload  # unchanged or cleared
        try:
            data, checked = reencode_image(upload, name=upload.name)
        except ImageRejected as exc:
            raise ValidationError(exc.messages) from exc
        return SimpleUploadedFile(
            f"badge.{checked.extension}", data, checked.content_type
        )

    def save(self, commit: bool = True) -> BadgeClass:
        badge = super().save(commit=False)
        if not badge.slug:
            base = slugify(badge.name)[:100] or "badge"
            slug, n = base, 1
            while BadgeClass.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            badge.slug = slug
        if commit:
            badge.save()
        return badge


class IssuerForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Issuer
        fields = ["name", "description", "url", "email"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AwardForm(forms.Form):
    username = forms.CharField(label=_("Member's user name"), max_length=150)
    evidence = forms.CharField(
        label=_("What it recognises"), max_length=300, required=False
    )
    evidence_urls = forms.CharField(
        label=_("Links to the evidence, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_evidence_urls(self) -> list[str]:
        validate = forms.URLField(max_length=200, assume_scheme="https")
        urls = []
        for line in self.cleaned_data.get("evidence_urls", "").splitlines():
            if line.strip():
                urls.append(validate.clean(line.strip()))
        if len(urls) > 10:
            raise ValidationError(_("At most 10 links."))
        return urls


class EndorsementForm(forms.Form):
    actor = forms.ChoiceField(label=_("On behalf of"))
    comment = forms.CharField(
        label=_("What your organisation vouches for"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, actors: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = actors
