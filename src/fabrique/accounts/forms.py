"""Forms of the account pages: sign-up, profile settings, tokens, deletion."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.forms import SignupForm as SocialSignupForm
from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.accounts.models import User
from fabrique.catalog.models import ActorMember
from fabrique.core.markdown import validate_markdown

MAX_SKILLS = 30
MAX_SKILL_CHARS = 60


class SignupForm(UserCreationForm):
    """Username, e-mail, password twice, and the charter accepted."""

    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("Private: used only to reset your password."),
    )
    accept_charter = forms.BooleanField(
        label=_("I have read and accept the code of conduct"),
        error_messages={
            "required": _("Please accept the code of conduct to create an account.")
        },
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_email(self) -> str:
        # An address already in use is accepted like any other: refusing it
        # would tell anyone who has an account. The view warns its holders.
        return self.cleaned_data["email"].strip()

    def clean_username(self) -> str:
        username = super().clean_username()
        if username.lower().startswith("deleted-"):
            raise forms.ValidationError(
                _("Usernames starting with “deleted-” are reserved."), code="reserved"
            )
        return username

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.charter_accepted_at = timezone.now()
        if commit:
            user.save()
        return user


class ProviderSignupForm(SocialSignupForm):
    """A new account from an OpenID Connect provider: the charter accepted."""

    accept_charter = SignupForm.base_fields["accept_charter"]

    def save(self, request: Any) -> User:
        user = super().save(request)
        user.charter_accepted_at = timezone.now()
        user.save(update_fields=["charter_accepted_at"])
        return user


class SkillsField(forms.CharField):
    """Skills typed as a comma-separated list, stored as a list of strings."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        skills: list[str] = []
        for item in text.split(","):
            skill = " ".join(item.split())
            if skill and skill.lower() not in {s.lower() for s in skills}:
                skills.append(skill)
        return skills

    def validate(self, value: Any) -> None:
        if len(value) > MAX_SKILLS:
            raise forms.ValidationError(
                _("At most %(max)d skills; you gave %(count)d."),
                params={"max": MAX_SKILLS, "count": len(value)},
            )
        for skill in value:
            if len(skill) > MAX_SKILL_CHARS:
                raise forms.ValidationError(
                    _("The skill “%(skill)s…” is longer than %(max)d characters."),
                    params={"skill": skill[:20], "max": MAX_SKILL_CHARS},
                )


class PublicProfileForm(forms.ModelForm):
    """What everyone can see on the public profile."""

    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    skills = SkillsField(
        label=_("Skills"),
        required=False,
        help_text=_("Separated by commas, e.g. GTFS, cycling logistics, Python."),
    )

    class Meta:
        model = User
        fields = ("display_name", "bio", "city", "show_city", "website", "skills")
        help_texts = {
            "display_name": _("Shown instead of your username."),
            "bio": _("Markdown is allowed."),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}

    def clean_bio(self) -> str:
        bio: str = self.cleaned_data["bio"]
        validate_markdown(bio)
        return bio


class PrivateProfileForm(forms.ModelForm):
    """What only the account holder (and nobody else) sees."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "phone")
        labels = {"email": _("E-mail address")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True

    def clean_email(self) -> str:
        # As at sign-up: an address in use is not refused (that would tell
        # who has an account); the view warns the holders by e-mail.
        return self.cleaned_data["email"].strip()


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("To recognise it later, e.g. “import script”."),
    )


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for its password (unless it has none)."""

    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput, strip=False
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone"),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                _("This password is not the password of your account."),
                code="password_incorrect",
            )
        return password


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Site role"), choices=User.Role.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class OrganisationMemberForm(forms.Form):
    username = forms.CharField(label=_("Username of the person to add"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role in the organisation"),
        choices=ActorMember.Role.choices,
        initial=ActorMember.Role.MEMBER,
    )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username, deleted=False).first()
        if user is None:
            raise forms.ValidationError(
                _("No account is named “%(username)s”."),
                params={"username": username},
                code="unknown",
            )
        return user
