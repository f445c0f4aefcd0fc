"""Demo content of a credible French mobility ecosystem.

:func:`load_demo` fills a database with the content written in
:mod:`fabrique.catalog.demo_data` — themes, accounts, actors, commons of the
five kinds with their pillars, communities, needs, discussions and several
revisions each — through the same services as the pages and the API, so the
demo exercises the real permission checks, revisions and activity. Dates are
then spread over the past months, as if the ecosystem had lived a while.

Every demo account has the password :data:`DEMO_PASSWORD`;
:data:`DEMO_MODERATOR` moderates and :data:`DEMO_ADMIN` administers.
"""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from fabrique.catalog import services
from fabrique.catalog.demo_data import ACTORS, COMMONS, DISCUSSIONS, THEMES, USERS
from fabrique.catalog.demo_data.images import IMAGES
from fabrique.catalog.models import (
    Actor,
    ActorMember,
    Commons,
    CommunityMembership,
    Maturity,
    Need,
    Theme,
)
from fabrique.core.models import Activity, Discussion, Message, Report, Revision

DEMO_USERNAME = "camille"
DEMO_PASSWORD = "demo-fabrique-2026"  # noqa: S105
DEMO_MODERATOR = "dominique"
DEMO_ADMIN = "sacha"

# The demo's story spans this many days before now.
HISTORY_DAYS = 420
_EARLIER = {
    Maturity.PRODUCTION: Maturity.BETA,
    Maturity.BETA: Maturity.PROTOTYPE,
    Maturity.PROTOTYPE: Maturity.IDEA,
}
_LINKS = ("repository_url", "documentation_url", "demo_url", "download_url")
Role = CommunityMembership.Role


def load_demo() -> bool:
    """Load the demo content once; return True when it was created.

    Returns False, touching nothing, when the demo account already exists.
    """
    if get_user_model().objects.filter(username=DEMO_USERNAME).exists():
        return False
    with transaction.atomic():
        _Loader().run()
    from fabrique.transport.demo import load as load_transport_demo

    load_transport_demo()
    return True


class _Loader:
    """Writes the demo content in the order a real ecosystem would grow."""

    def __init__(self) -> None:
        self.random = random.Random(2026)  # noqa: S311 (dates, not secrets)
        self.users: dict[str, Any] = {}
        self.actors: dict[str, Actor] = {}
        self.themes: dict[str, Theme] = {}
        self.commons: dict[str, Commons] = {}
        self.messages: list[Message] = []

    def run(self) -> None:
        self.load_themes()
        self.load_users()
        self.load_actors()
        # Each phase takes the commons in its own order, so that kinds and
        # themes mix in the "latest" lists as they would in real life.
        for item in self.shuffled(COMMONS):
            self.create_commons(item)
        self.load_follows()
        for item in self.shuffled(COMMONS):
            self.load_community(item)
        for item in self.shuffled(COMMONS):
            self.load_needs(item)
        for item in self.shuffled(COMMONS):
            self.complete_commons(item)
        self.load_images()
        self.load_discussions()
        self.load_report()
        _spread_dates(self.random)
        from fabrique.community.demo import load_challenges

        load_challenges(DEMO_PASSWORD, self.random)
        _rebuild_search_index()

    def shuffled(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items = list(items)
        self.random.shuffle(items)
        return items

    # People and organisations ---------------------------------------------

    def load_themes(self) -> None:
        for theme in THEMES:
            self.themes[theme["slug"]] = Theme.objects.create(**theme)

    def load_users(self) -> None:
        user_model: Any = get_user_model()
        password = make_password(DEMO_PASSWORD)  # one slow hash for every account
        now = timezone.now()
        for spec in USERS:
            role = spec.get("role", user_model.Role.MEMBER)
            user = user_model(
                username=spec["username"],
                email=f"{spec['username']}@example.org",
                first_name=spec["display_name"].split()[0],
                last_name=spec["display_name"].split(maxsplit=1)[-1],
                display_name=spec["display_name"],
                bio=spec.get("bio", ""),
                city=spec.get("city", ""),
                skills=spec.get("skills", []),
                website=spec.get("website", ""),
                role=role,
                is_staff=role == user_model.Role.ADMIN,
                is_superuser=role == user_model.Role.ADMIN,
                charter_accepted_at=now,
                password=password,
            )
            user.save()
            self.users[spec["username"]] = user

    def load_actors(self) -> None:
        for spec in ACTORS:
            representative = self.users[spec["members"][0]]
            data = {
                key: spec[key]
                for key in ("name", "type", "summary", "description", "website")
            }
            data["is_organisation"] = spec["type"] != "person"
            data["skills"] = spec["skills"][:-1] if len(spec["skills"]) > 2 else []
            actor = services.create_actor(
                user=representative, data=data, comment="Création de la fiche"
            )
            if not data["is_organisation"]:
                actor.user = representative
                actor.save(update_fields=["user"])
            for username in spec["members"][1:]:
                ActorMember.objects.create(actor=actor, user=self.users[username])
            for name, city, postcode, lat, lon in spec["places"]:
                services.add_place(
                    actor,
                    user=representative,
                    name=name,
                    city=city,
                    postcode=postcode,
                    lat=lat,
                    lon=lon,
                )
            if data["skills"] != spec["skills"]:
                services.update_actor(
                    actor,
                    user=representative,
                    data={"skills": spec["skills"]},
                    base_revision=actor.revision,
                    comment="Ajoute des compétences",
                )
            self.actors[spec["key"]] = actor

    def representative(self, actor_key: str) -> Any:
        return self.users[_actor_spec(actor_key)["members"][0]]

    def member(self, who: str) -> tuple[Any, Actor | None]:
        """``@name`` is a person's account; any other key an organisation."""
        if who.startswith("@"):
            return self.users[who[1:]], None
        return self.representative(who), self.actors[who]

    # Commons ---------------------------------------------------------------

    def create_commons(self, item: dict[str, Any]) -> None:
        """Revision 1: a first draft, as its holder first wrote it."""
        author = self.representative(item["holder"])
        paragraphs = unwrap(item["description"]).split("\n\n")
        data = {
            "title": item["title"],
            "summary": item["summary"],
            "kind": item["kind"],
            "description": "\n\n".join(paragraphs[:2]),
            "tags": item["tags"][:2],
            "licence": item["licence"],
            "maturity": _EARLIER.get(item["maturity"], item["maturity"]),
            "repository_url": item["links"].get("repository_url", ""),
            "pillar_resource": item["resource"],
        }
        commons = services.create_commons(
            user=author,
            data=data,
            themes=[self.themes[slug] for slug in item["themes"][:1]],
            comment="Première version de la fiche",
        )
        membership = services.request_membership(
            commons,
            user=author,
            role=Role.HOLDER,
            actor=self.actors[item["holder"]],
            message="Nous portons ce commun.",
        )
        services.approve_membership(membership, by=author)
        self.commons[item["key"]] = commons

    def load_community(self, item: dict[str, Any]) -> None:
        commons = self.commons[item["key"]]
        holder = self.representative(item["holder"])
        for role, who, status in item.get("community", []):
            user, actor = self.member(who)
            membership = services.request_membership(
                commons,
                user=user,
                role=role,
                actor=actor,
                message=_JOIN_MESSAGES[role],
            )
            if status == CommunityMembership.Status.DECLINED:
                services.decline_membership(membership, by=holder)
            elif status != CommunityMembership.Status.REQUESTED:
                services.approve_membership(membership, by=holder)
            if status == CommunityMembership.Status.LEFT:
                services.leave_membership(membership, user=user)

    def load_needs(self, item: dict[str, Any]) -> None:
        commons = self.commons[item["key"]]
        holder = self.representative(item["holder"])
        for title, help_kind, status, description in item.get("needs", []):
            need = services.add_need(
                commons,
                user=holder,
                title=title,
                help_kind=help_kind,
                description=description,
            )
            if status != Need.Status.OPEN:
                services.set_need_status(need, user=holder, status=status)

    def complete_commons(self, item: dict[str, Any]) -> None:
        """Revisions 2 and 3: a contributor completes, the holder settles."""
        commons = self.commons[item["key"]]
        holder = self.representative(item["holder"])
        contributors = [
            who for role, who, status in item.get("community", [])
            if role == Role.CONTRIBUTOR and status == "active"
        ]  # fmt: skip
        editor = self.member(contributors[0])[0] if contributors else holder
        links = {name: item["links"].get(name, "") for name in _LINKS}
        services.update_commons(
            commons,
            user=editor,
            data={
                "description": unwrap(item["description"]),
                "tags": item["tags"],
                "pillar_community": item["community_pillar"],
                **links,
            },
            themes=[self.themes[slug] for slug in item["themes"]],
            base_revision=commons.revision,
            comment="Complète la description, les liens et la communauté",
        )
        services.update_commons(
            commons,
            user=holder,
            data={
                "pillar_governance": item["governance"],
                "maturity": item["maturity"],
            },
            base_revision=commons.revision,
            comment=f"Décrit la gouvernance ; maturité : {item['maturity']}",
        )
        for username, comment, changes in item.get("edits", []):
            services.update_commons(
                commons,
                user=self.users[username],
                data=changes,
                base_revision=commons.revision,
                comment=comment,
            )
        if "revert" in item:
            username, comment = item["revert"]
            services.revert(
                commons,
                user=self.users[username],
                number=commons.revision - 1,
                comment=comment,
            )

    def load_images(self) -> None:
        holders = {item["key"]: item["holder"] for item in COMMONS}
        for key, alt, draw in IMAGES:
            services.add_image(
                self.commons[key],
                user=self.representative(holders[key]),
                file=SimpleUploadedFile(f"{key}.png", draw(), "image/png"),
                alt=alt,
            )

    # Conversations -------------------------------------------------------

    def load_discussions(self) -> None:
        for key, title, thread in DISCUSSIONS:
            target = self.commons.get(key) or self.actors[key]
            (first_author, first_body), *replies = thread
            discussion = services.start_discussion(
                target, user=self.users[first_author], title=title, body=first_body
            )
            for username, body in replies:
                self.messages.append(
                    services.post_message(
                        discussion, user=self.users[username], body=body
                    )
                )

    def load_follows(self) -> None:
        keys = sorted(self.commons)
        for username, user in self.users.items():
            for key in self.random.sample(keys, 4 if username != DEMO_USERNAME else 7):
                services.follow(self.commons[key], user=user)

    def load_report(self) -> None:
        """A report waiting in the moderation queue."""
        reporter = self.users["lea"]
        reported = next(m for m in self.messages if "06 00" in m.body)
        Report.objects.create(
            content_type=ContentType.objects.get_for_model(Message),
            object_id=reported.pk,
            reporter=reporter,
            reason="Ce message cite un numéro de téléphone personnel : "
            "à vérifier avant de le laisser visible.",
        )


_JOIN_MESSAGES = {
    Role.HOLDER: "Nous souhaitons co-porter ce commun.",
    Role.CONTRIBUTOR: "Nous aimerions contribuer à ce commun.",
    Role.USER: "Nous utilisons ce commun et voulons suivre ses évolutions.",
    Role.FUNDER: "Nous pouvons soutenir ce commun financièrement.",
}


_BLOCK_START = re.compile(r"^(#+ |[-*] |\d+\. )")


def unwrap(markdown: str) -> str:
    """Join the hard-wrapped lines of each paragraph and list item.

    The demo's texts are wrapped to fit the source; people type one line per
    paragraph, which is also what the edit form and the diff show best.
    """
    blocks = []
    for block in markdown.strip().split("\n\n"):
        lines: list[str] = []
        for line in block.splitlines():
            if lines and not _BLOCK_START.match(line):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.rstrip())
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _actor_spec(key: str) -> dict[str, Any]:
    for spec in ACTORS:
        if spec["key"] == key:
            return spec
    raise KeyError(f"demo data: unknown actor {key!r}")


def _spread_dates(rng: random.Random) -> None:
    """Date the activity over the past months, then every object from it."""
    activities = list(Activity.objects.order_by("id"))
    now = timezone.now()
    start = now - timedelta(days=HISTORY_DAYS)
    step = (now - timedelta(hours=2) - start) / max(len(activities), 1)
    revisions: dict[tuple[int, int, int], datetime] = {}
    related: dict[str, dict[int, list[datetime]]] = {
        "need": {}, "discussion": {}, "message": {}, "membership": {},
    }  # fmt: skip
    for index, item in enumerate(activities):
        item.created = start + step * index + step * rng.random() * 0.8
        if "revision" in item.data:
            key = (item.content_type_id, item.object_id, item.data["revision"])
            revisions[key] = item.created
        for name, times in related.items():
            if name in item.data:
                times.setdefault(item.data[name], []).append(item.created)
    Activity.objects.bulk_update(activities, ["created"], batch_size=500)

    rows = list(Revision.objects.all())
    for revision in rows:
        key = (revision.content_type_id, revision.object_id, revision.number)
        revision.created = revisions.get(key, revision.created)
    Revision.objects.bulk_update(rows, ["created"], batch_size=500)
    for model in (Commons, Actor):
        content_type = ContentType.objects.get_for_model(model)
        for pk in model.objects.values_list("pk", flat=True):
            times = sorted(t for (c, o, _), t in revisions.items() if (c, o) == (
                content_type.id, pk))  # fmt: skip
            if times:
                model.objects.filter(pk=pk).update(created=times[0], updated=times[-1])

    created_of = dict(Commons.objects.values_list("pk", "created"))
    _date_rows(Need, related["need"])
    memberships = list(CommunityMembership.objects.all())
    for membership in memberships:
        times = related["membership"].get(membership.pk) or [
            created_of[membership.commons_id]
        ]
        membership.created, membership.updated = min(times), max(times)
    CommunityMembership.objects.bulk_update(memberships, ["created", "updated"])
    messages = list(Message.objects.order_by("id"))
    started = {pk: min(times) for pk, times in related["discussion"].items()}
    for message in messages:
        times = related["message"].get(message.pk)
        message.created = min(times) if times else started[message.discussion_id]
    Message.objects.bulk_update(messages, ["created"])
    for discussion in Discussion.objects.all():
        times = [m.created for m in messages if m.discussion_id == discussion.pk]
        Discussion.objects.filter(pk=discussion.pk).update(
            created=min(times), updated=max(times)
        )
    user_model: Any = get_user_model()
    for user in user_model.objects.all():
        first = Activity.objects.filter(actor=user).order_by("created").first()
        if first:
            user_model.objects.filter(pk=user.pk).update(
                date_joined=first.created - timedelta(days=1)
            )


def _date_rows(model: Any, times: dict[int, list[datetime]]) -> None:
    rows = [row for row in model.objects.all() if row.pk in times]
    for row in rows:
        row.created, row.updated = min(times[row.pk]), max(times[row.pk])
    model.objects.bulk_update(rows, ["created", "updated"])


def _rebuild_search_index() -> None:
    """Index the commons and actors again, now that their dates are final."""
    from fabrique.core.search.index import rebuild

    rebuild()
