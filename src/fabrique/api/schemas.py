"""Request and response schemas of the catalogue and community resources.

Output schemas show only public fields (never an e-mail or a private profile
field). Input schemas bound every text, so a hostile payload is refused with
a 422 naming the field before anything is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from fabrique.catalog.models import (
    ActorType,
    CommunityMembership,
    Kind,
    Maturity,
    Need,
)
from fabrique.core.markdown import MAX_MARKDOWN_CHARS, render_markdown


def _absolute(context: Any, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


def _choices(choices: Any) -> str:
    return ", ".join(choices.values)


Markdown = Field(
    "", max_length=MAX_MARKDOWN_CHARS, description="Markdown; rendered safely."
)
Url = Field("", max_length=200, pattern=r"^(https?://\S+)?$")


class UserOut(Schema):
    username: str
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.public_name)

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return "" if getattr(obj, "deleted", False) else obj.username


class RevisionOut(Schema):
    """One saved state of a commons or an actor, with its full content."""

    number: int
    author: UserOut | None
    created: datetime
    comment: str
    reverted_from: int | None
    content: dict[str, Any]


# Themes --------------------------------------------------------------------


class ThemeOut(Schema):
    slug: str
    name: str
    name_en: str
    description: str
    url: str

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())


# Commons -------------------------------------------------------------------


class Pillars(Schema):
    resource: str = Markdown
    community: str = Markdown
    governance: str = Markdown


class Links(Schema):
    repository: str = Url
    documentation: str = Url
    demo: str = Url
    download: str = Url


class CommonsItem(Schema):
    """A commons in a list: everything but its long description."""

    id: int
    slug: str
    title: str
    summary: str
    kind: str = Field(description=_choices(Kind))
    themes: list[str]
    tags: list[str]
    licence: str
    maturity: str = Field(description=_choices(Maturity))
    links: Links
    pillars: Pillars
    revision: int
    created: datetime
    updated: datetime
    url: str

    @staticmethod
    def resolve_themes(obj: Any) -> list[str]:
        return sorted(theme.slug for theme in obj.themes.all())

    @staticmethod
    def resolve_links(obj: Any) -> dict[str, str]:
        return {
            "repository": obj.repository_url,
            "documentation": obj.documentation_url,
            "demo": obj.demo_url,
            "download": obj.download_url,
        }

    @staticmethod
    def resolve_pillars(obj: Any) -> dict[str, str]:
        return {
            "resource": obj.pillar_resource,
            "community": obj.pillar_community,
            "governance": obj.pillar_governance,
        }

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())


class CommonsOut(CommonsItem):
    """One commons, with its Markdown description and its safe HTML."""

    description: str
    description_html: str

    @staticmethod
    def resolve_description_html(obj: Any) -> str:
        return render_markdown(obj.description)


class CommonsFields(Schema):
    """Fields of a commons a client may set (all optional in an update)."""

    title: str | None = Field(None, min_length=1, max_length=200)
    summary: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, max_length=MAX_MARKDOWN_CHARS)
    kind: Kind | None = None
    themes: list[str] | None = Field(None, max_length=50, description="Theme slugs.")
    tags: list[str] | None = Field(None, max_length=50)
    licence: str | None = Field(
        None, max_length=64, pattern=r"^[A-Za-z0-9.+\-() ]*$", description="SPDX id."
    )
    maturity: Maturity | None = None
    links: Links | None = None
    pillars: Pillars | None = None
    comment: str = Field("", max_length=300, description="Why this change.")


class CommonsIn(CommonsFields):
    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=300)
    kind: Kind


class CommonsPatch(CommonsFields):
    base_revision: int = Field(
        ge=1, description="The revision the edit starts from; 409 if stale."
    )


# Actors --------------------------------------------------------------------


class PlaceSchema(Schema):
    name: str = Field(min_length=1, max_length=200)
    city: str = Field("", max_length=120)
    postcode: str = Field("", max_length=10)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class ActorItem(Schema):
    """An actor in a list: everything but its long description."""

    id: int
    slug: str
    name: str
    is_organisation: bool
    type: str = Field(description=_choices(ActorType))
    summary: str
    website: str
    skills: list[str]
    places: list[PlaceSchema]
    revision: int
    created: datetime
    updated: datetime
    url: str

    @staticmethod
    def resolve_places(obj: Any) -> list[Any]:
        return list(obj.places.all())

    @staticmethod
    def resolve_url(obj: Any, context: Any) -> str:
        return _absolute(context, obj.get_absolute_url())


class ActorOut(ActorItem):
    """One actor, with its Markdown description and its safe HTML."""

    description: str
    description_html: str

    @staticmethod
    def resolve_description_html(obj: Any) -> str:
        return render_markdown(obj.description)


class ActorFields(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    is_organisation: bool | None = None
    type: ActorType | None = None
    summary: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=MAX_MARKDOWN_CHARS)
    website: str | None = Url
    skills: list[str] | None = Field(None, max_length=50)
    comment: str = Field("", max_length=300)


class ActorIn(ActorFields):
    name: str = Field(min_length=1, max_length=200)
    type: ActorType
    places: list[PlaceSchema] = Field(default_factory=list, max_length=50)


class ActorPatch(ActorFields):
    base_revision: int = Field(ge=1)


# Needs ---------------------------------------------------------------------


class NeedOut(Schema):
    id: int
    commons: str
    title: str
    description: str
    help_kind: str = Field(description=_choices(Need.HelpKind))
    status: str = Field(description=_choices(Need.Status))
    created: datetime
    updated: datetime

    @staticmethod
    def resolve_commons(obj: Any) -> str:
        return obj.commons.slug


class NeedIn(Schema):
    commons: str = Field(description="Slug of the commons.", max_length=220)
    title: str = Field(min_length=1, max_length=200)
    help_kind: Need.HelpKind
    description: str = Field("", max_length=MAX_MARKDOWN_CHARS)


class NeedPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    help_kind: Need.HelpKind | None = None
    description: str | None = Field(None, max_length=MAX_MARKDOWN_CHARS)
    status: Need.Status | None = None


# Memberships ---------------------------------------------------------------


class MembershipOut(Schema):
    id: int
    commons: str
    user: UserOut | None
    actor: str | None = Field(description="Slug of the actor, if on its behalf.")
    member: str
    role: str = Field(description=_choices(CommunityMembership.Role))
    status: str = Field(description=_choices(CommunityMembership.Status))
    message: str
    created: datetime
    updated: datetime

    @staticmethod
    def resolve_commons(obj: Any) -> str:
        return obj.commons.slug

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.slug if obj.actor_id else None

    @staticmethod
    def resolve_member(obj: Any) -> str:
        return str(obj.member_name)


class MembershipIn(Schema):
    commons: str = Field(description="Slug of the commons.", max_length=220)
    role: CommunityMembership.Role
    actor: str | None = Field(
        None, max_length=220, description="Join on behalf of this actor (slug)."
    )
    message: str = Field("", max_length=5000)


class MembershipPatch(Schema):
    status: Literal["left", "active", "declined"] = Field(
        description="The member sets 'left'; holders answer a request with "
        "'active' or 'declined'."
    )


# Discussions ---------------------------------------------------------------


class DiscussionOut(Schema):
    id: int
    target_type: str
    target: str
    title: str
    author: UserOut | None
    closed: bool
    created: datetime
    updated: datetime


class DiscussionIn(Schema):
    target_type: str = Field(pattern="^(commons|actor)$")
    target: str = Field(max_length=220, description="Slug of the commons or actor.")
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20_000, description="First message.")


class DiscussionPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    closed: bool | None = None


class MessageOut(Schema):
    id: int
    discussion: int
    author: UserOut | None
    body: str
    body_html: str
    created: datetime

    @staticmethod
    def resolve_discussion(obj: Any) -> int:
        return int(obj.discussion_id)

    @staticmethod
    def resolve_body_html(obj: Any) -> str:
        return render_markdown(obj.body)


class MessageIn(Schema):
    body: str = Field(min_length=1, max_length=20_000)


# Activity ------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    verb: str
    summary: str
    user: UserOut | None
    target_type: str
    target_id: int
    data: dict[str, Any]
    created: datetime

    @staticmethod
    def resolve_user(obj: Any) -> Any:
        return obj.actor

    @staticmethod
    def resolve_target_type(obj: Any) -> str:
        return str(obj.content_type.model)

    @staticmethod
    def resolve_target_id(obj: Any) -> int:
        return int(obj.object_id)
