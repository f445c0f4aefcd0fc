"""The catalogue's indexable types: commons and actors.

Registered when the core app is ready. Labels of kinds and actor types are
indexed in French and English, so "logiciel" and "software" both find
software commons.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from fabrique.catalog.models import (
    Actor,
    ActorType,
    Commons,
    Kind,
    Maturity,
    Need,
    Place,
    Theme,
    theme_label,
)
from fabrique.core.search.registry import (
    Dependency,
    Document,
    Facet,
    IndexableType,
    register,
)

OPEN = "open"
LANGUAGES = ("fr", "en")


def _in_every_language(label: Any) -> str:
    words = []
    for language in LANGUAGES:
        with translation.override(language):
            words.append(str(label))
    return " ".join(dict.fromkeys(words))


def _choice_labels(choices: Any) -> Any:
    def labels(values: Sequence[str]) -> dict[str, str]:
        known = dict(choices.choices)
        return {value: str(known.get(value, value)) for value in values}

    return labels


def _theme_labels(values: Sequence[str]) -> dict[str, str]:
    names = {
        slug: theme_label(name, name_en)
        for slug, name, name_en in Theme.objects.filter(slug__in=values).values_list(
            "slug", "name", "name_en"
        )
    }
    return {value: names.get(value, value) for value in values}


def _needs_labels(values: Sequence[str]) -> dict[str, str]:
    return {value: str(_("with open needs")) for value in values}


def _join(*parts: Any) -> str:
    return "\n".join(str(part) for part in parts if part)


HERE = "here"


def _origin(commons: Commons) -> str:
    """The instance a harvested commons comes from, or ``here``."""
    try:
        remote = commons.remote  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return HERE
    return str(getattr(remote, "origin_instance", "") or HERE)


def _origin_labels(values: Sequence[str]) -> dict[str, str]:
    return {v: str(_("this instance")) if v == HERE else v for v in values}


def commons_document(commons: Commons) -> Document | None:
    if commons.hidden:
        return None
    themes = list(commons.themes.all())
    needs = list(commons.needs.all())
    tags = [str(tag) for tag in commons.tags or [] if isinstance(tag, str | int)]
    return Document(
        title=commons.title,
        url=commons.get_absolute_url(),
        updated=commons.updated,
        summary=commons.summary,
        text_a=commons.title,
        text_b=_join(
            commons.summary,
            " ".join(tags),
            *(f"{t.name} {t.name_en}" for t in themes),
            _in_every_language(Kind(commons.kind).label)
            if commons.kind in Kind.values
            else commons.kind,
        ),
        text_c=_join(
            commons.description,
            commons.pillar_resource,
            commons.pillar_community,
            commons.pillar_governance,
            commons.licence,
            *(f"{need.title}\n{need.description}" for need in needs),
        ),
        facets={
            "kind": [commons.kind],
            "theme": [t.slug for t in themes],
            "maturity": [commons.maturity],
            "licence": [commons.licence],
            "needs": [OPEN] if any(n.status == Need.Status.OPEN for n in needs) else [],
            "origin": [_origin(commons)],
        },
    )


def actor_document(actor: Actor) -> Document | None:
    if actor.hidden:
        return None
    places = list(actor.places.all())
    skills = [str(s) for s in actor.skills or [] if isinstance(s, str | int)]
    return Document(
        title=actor.name,
        url=actor.get_absolute_url(),
        updated=actor.updated,
        summary=actor.summary,
        text_a=actor.name,
        text_b=_join(
            actor.summary,
            " ".join(skills),
            _in_every_language(ActorType(actor.type).label)
            if actor.type in ActorType.values
            else actor.type,
        ),
        text_c=_join(
            actor.description,
            *(f"{p.name} {p.city} {p.postcode}" for p in places),
        ),
        facets={
            "actor_type": [actor.type],
            "city": [place.city for place in places if place.city],
        },
    )


def _commons_queryset() -> QuerySet[Commons]:
    # "remote": the provenance of harvested commons (federation app).
    return Commons.objects.select_related("remote").prefetch_related(
        "themes",
        Prefetch(
            "needs",
            queryset=Need.objects.only("commons", "title", "description", "status"),
        ),
    )


def _actors_queryset() -> QuerySet[Actor]:
    return Actor.objects.prefetch_related("places")


COMMONS = register(
    IndexableType(
        name="commons",
        label=_("commons"),
        model=Commons,
        build=commons_document,
        queryset=_commons_queryset,
        facets=(
            Facet("kind", _("Kind"), _choice_labels(Kind)),
            Facet("theme", _("Theme"), _theme_labels),
            Facet("maturity", _("Maturity"), _choice_labels(Maturity)),
            Facet("licence", _("Licence"), limit=12),
            Facet("needs", _("Needs"), _needs_labels),
            Facet("origin", _("Origin"), _origin_labels),
        ),
        dependencies=(
            Dependency(Commons, m2m_field="themes"),
            Dependency(Need, lambda need: [need.commons_id]),
            Dependency(Theme, lambda theme: theme.commons.values_list("pk", flat=True)),
            # Where a harvested commons comes from (the origin facet).
            Dependency("federation.RemoteCommons", lambda remote: [remote.commons_id]),
        ),
    )
)

ACTORS = register(
    IndexableType(
        name="actor",
        label=_("actors"),
        model=Actor,
        build=actor_document,
        queryset=_actors_queryset,
        facets=(
            Facet("actor_type", _("Actor type"), _choice_labels(ActorType)),
            Facet("city", _("Place"), limit=15),
        ),
        dependencies=(Dependency(Place, lambda place: [place.actor_id]),),
    )
)
