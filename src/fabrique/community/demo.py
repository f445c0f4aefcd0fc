"""Demo content of challenges, projects, the ledger and funding.

:func:`load_challenges` runs at the end of the catalogue's demo: it writes
the content of :mod:`fabrique.community.demo_data` through the same services
as the pages (every lifecycle move by someone allowed to make it), then dates
it over the past months and rebuilds the ecosystem's graph and counters, as
the dates are set after the fact.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from fabrique.catalog.demo_data.images import receipt_png
from fabrique.catalog.models import Actor, Commons, CommunityMembership, Theme
from fabrique.catalog.services import is_holder
from fabrique.community import experiments, services
from fabrique.community.demo_data import (
    DOMAINS,
    FUNDING,
    LEDGER,
    LEDGER_WORK,
    NEEDS,
    PROJECTS,
    RESIDENTS,
)
from fabrique.community.models import Challenge, Domain, Experiment, Feedback, Need
from fabrique.core.models import Activity
from fabrique.projects import aggregates, funding, graph_edges, ledger
from fabrique.projects import services as projects
from fabrique.projects.funding import record_funding
from fabrique.projects.models import Contribution

# The order a challenge walks its lifecycle; "closed" leaves from "open".
PATH = ("open", "formed", "beta", "experimenting", "delivered")
GENERATED_ENTRIES = 140
STORY_DAYS = 330


def load_challenges(password: str, rng: random.Random) -> None:
    """Write the challenges' demo content (the catalogue's demo must exist)."""
    _Loader(password, rng).run()


class _Loader:
    def __init__(self, password: str, rng: random.Random) -> None:
        self.rng = rng
        self.password = password
        user_model: Any = get_user_model()
        self.users: dict[str, Any] = {u.username: u for u in user_model.objects.all()}
        self.actors: dict[str, Actor] = {}
        self.domains: dict[str, Domain] = {}
        self.today = timezone.now().date()

    def run(self) -> None:
        self.first_activity = (
            Activity.objects.order_by("-id").values_list("id", flat=True).first() or 0
        )
        self.first_entry = (
            Contribution.objects.order_by("-id").values_list("id", flat=True).first()
            or 0
        )
        self.find_actors()
        self.load_residents()
        for spec in DOMAINS:
            self.load_domain(spec)
        for spec in NEEDS:
            self.load_need(spec)
        admin = self.users["dominique"]  # moderates: follows accompaniment
        for spec in PROJECTS:
            self.load_project(spec, admin)
        self.load_invitations()
        self.load_ledger()
        self.load_contract_reviews()
        self.load_funding()
        self.spread_dates()
        graph_edges.rebuild()
        aggregates.rebuild()

    # People ------------------------------------------------------------------

    def find_actors(self) -> None:
        from fabrique.catalog.demo_data import ACTORS

        by_name = {a.name: a for a in Actor.objects.all()}
        for spec in ACTORS:
            self.actors[spec["key"]] = by_name[spec["name"]]

    def load_residents(self) -> None:
        user_model: Any = get_user_model()
        password = make_password(self.password)
        for username, name, city in RESIDENTS:
            first, last = name.split(maxsplit=1)
            self.users[username] = user_model.objects.create(
                username=username,
                email=f"{username}@example.org",
                first_name=first,
                last_name=last,
                display_name=name,
                city=city,
                password=password,
                charter_accepted_at=timezone.now(),
            )

    def admin_of(self, actor: Actor) -> Any:
        member = actor.members.order_by("id").first()
        assert member is not None, f"the demo actor {actor} has no member"
        return member.user

    def load_contract_reviews(self) -> None:
        """Holders review what projects state: one acknowledged, and one
        stated contribution with nothing confirmed contested."""
        from fabrique.catalog.models import CommunityMembership
        from fabrique.projects import contract
        from fabrique.projects.models import Project

        done: set[str] = set()
        for project in Project.objects.order_by("slug"):
            for clause in contract.check(project):
                wanted = "acknowledged" if clause.kept else "contested"
                if wanted in done or not clause.declared:
                    continue
                holders = CommunityMembership.objects.filter(
                    commons=clause.commons, role="holder", status="active",
                    user__isnull=False,
                ).select_related("user")  # fmt: skip
                reviewer = next(
                    (
                        m.user
                        for m in holders
                        if contract.may_review(m.user, project, clause.commons)
                    ),
                    None,
                )
                if reviewer is None:
                    continue
                contract.review(
                    project,
                    clause.commons,
                    by=reviewer,
                    status=wanted,
                    reason=""
                    if clause.kept
                    else "Aucune contribution reçue depuis le début du projet.",
                )
                done.add(wanted)

    def load_invitations(self) -> None:
        """Facilitators invite suggested people: one invitation waits for an
        answer, one was declined; and one person opted out of suggestions."""
        from fabrique.community import invitations, matching

        challenge = (
            Challenge.objects.filter(state__in=["open", "formed"], hidden=False)
            .select_related("need__domain")
            .order_by("id")
            .first()
        )
        if challenge is None:
            return
        facilitator = challenge.need.domain.members.filter(role="facilitator").first()
        assert facilitator is not None
        suggested = matching.for_challenge(challenge, limit=3)["people"]
        for answer, suggestion in zip([None, False], suggested, strict=False):
            invitation = invitations.invite(
                challenge,
                by=facilitator.user,
                user=suggestion.obj,
                role=suggestion.role or "field_actor",
                message="Vos compétences nous aideraient pour ce défi.",
            )
            if answer is not None:
                invitations.answer(invitation, user=suggestion.obj, accept=answer)
        if len(suggested) > 2:
            invitations.set_opt_out(suggested[2].obj, out=True)

    # Domains, needs, challenges ------------------------------------------------

    def load_domain(self, spec: dict[str, Any]) -> None:
        facilitator = self.users[spec["facilitator"]]
        domain = services.create_domain(
            user=facilitator,
            name=spec["name"],
            summary=spec["summary"],
            description=spec["description"],
        )
        domain.themes.set(Theme.objects.filter(slug__in=spec["themes"]))
        for username in spec["members"]:
            services.join_domain(domain, user=self.users[username])
        self.domains[spec["key"]] = domain

    def load_need(self, spec: dict[str, Any]) -> None:
        domain = self.domains[spec["domain"]]
        facilitator = domain.members.get(role="facilitator").user
        author = self.users[spec["author"]]
        need = services.propose_need(
            domain,
            user=author,
            title=spec["title"],
            description=spec["description"],
            place_name=spec["place"],
            actor=self.actors[spec["actor"]] if spec["actor"] else None,
        )
        for username in spec["carriers"]:
            services.carry_need(need, user=self.users[username])
        subdomains = [
            services.add_subdomain(need, user=facilitator, title=t, description=d)
            for t, d in spec["subdomains"]
        ]
        if spec.get("split_request"):
            services.ask_for_split(need, user=author, message=spec["split_request"])
        for item in spec["challenges"]:
            index = item["subdomain"]
            self.load_challenge(
                need, item, facilitator, None if index is None else subdomains[index]
            )

    def load_challenge(
        self, need: Need, spec: dict[str, Any], facilitator: Any, subdomain: Any
    ) -> None:
        place, lat, lon = spec["place"]
        challenge = services.create_challenge(
            need,
            user=facilitator,
            subdomain=subdomain,
            data={
                "title": spec["title"],
                "goal": spec["goal"],
                "success_criteria": spec["criteria"],
                "deadline": self.today + timedelta(days=spec["deadline"]),
                "place_name": place,
                "lat": lat,
                "lon": lon,
            },
        )
        target = spec["state"]
        if target == "proposed":
            return
        services.transition(challenge, user=facilitator, target="open")
        self.fill(challenge, spec)
        if target == "closed":
            services.transition(
                challenge, user=facilitator, target="closed",
                reason=spec["closed_reason"],
            )  # fmt: skip
            return
        for state in PATH[1 : PATH.index(target) + 1]:
            if state == "beta":
                self.build(challenge, spec)
            services.transition(challenge, user=facilitator, target=state)
            if state == "experimenting":
                self.give_feedback(challenge, spec)

    def fill(self, challenge: Challenge, spec: dict[str, Any]) -> None:
        """Field actors join (past the cap they wait); producers join as such."""
        regulars = [u for u in self.users if u not in dict.fromkeys(
            r[0] for r in RESIDENTS)]  # fmt: skip
        residents = [r[0] for r in RESIDENTS]
        feedback = [f[0] for f in spec.get("experiment", {}).get("feedback", [])]
        people = list(dict.fromkeys(feedback + residents + regulars))
        producers = spec.get("producers", [])
        field = [p for p in people if p not in producers][: spec["people"]]
        for username in producers:
            actor_key = spec.get("producer_actors", {}).get(username)
            services.join_challenge(
                challenge,
                user=self.users[username],
                role="producer",
                actor=self.actors[actor_key] if actor_key else None,
            )
        for username in field:
            services.join_challenge(challenge, user=self.users[username])

    def build(self, challenge: Challenge, spec: dict[str, Any]) -> None:
        beta_spec = spec["beta"]
        maker = self.users[spec["producers"][0]]
        new = beta_spec.get("new_commons")
        beta = experiments.post_beta(
            challenge,
            user=maker,
            title=beta_spec["title"],
            description=beta_spec["description"],
            url=beta_spec.get("url", ""),
            commons=None if new else Commons.objects.get(title=beta_spec["commons"]),
            new_commons=new,
        )
        for username, rating, body in beta_spec.get("feedback", []):
            experiments.add_beta_feedback(
                beta, user=self.users[username], body=body, rating=rating
            )
        trial = spec.get("experiment")
        if not trial:
            return
        place, lat, lon = trial["place"]
        first, last = trial["days"]
        experiment = experiments.create_experiment(
            challenge,
            user=maker,
            beta=beta,
            data={
                "title": trial["title"],
                "place_name": place,
                "lat": lat,
                "lon": lon,
                "starts": self.today + timedelta(days=first),
                "ends": self.today + timedelta(days=last),
                "protocol": trial["protocol"],
            },
        )
        for username, _rating, _body in trial["feedback"]:
            experiments.join_experiment(experiment, user=self.users[username])
        if trial["results"]:
            experiments.record_results(experiment, user=maker, results=trial["results"])

    def give_feedback(self, challenge: Challenge, spec: dict[str, Any]) -> None:
        trial = spec.get("experiment")
        if not trial:
            return
        experiment = challenge.experiments.get()
        for username, rating, body in trial["feedback"]:
            experiments.add_feedback(
                experiment, user=self.users[username], body=body, rating=rating
            )

    # Projects, ledger, funding ------------------------------------------------

    def load_project(self, spec: dict[str, Any], staff: Any) -> None:
        actor = self.actors[spec["actor"]]
        owner = self.admin_of(actor)
        project = projects.create_project(
            user=owner,
            actor=actor,
            name=spec["name"],
            kind=spec["kind"],
            summary=spec["summary"],
        )
        projects.set_contract(
            project,
            user=owner,
            uses=list(Commons.objects.filter(title__in=spec["uses"])),
            contributes_to=list(
                Commons.objects.filter(title__in=spec["contributes_to"])
            ),
        )
        if spec["accompaniment"] != "applied":
            projects.set_accompaniment(project, user=staff, status="accompanied")
            if spec["accompaniment"] != "accompanied":
                projects.set_accompaniment(
                    project, user=staff, status=spec["accompaniment"]
                )

    def holder_of(self, commons: Commons, besides: Any) -> Any:
        for user in self.users.values():
            if user.pk != besides.pk and is_holder(user, commons):
                return user
        return None

    def write_entry(
        self, *, who: Any, kind: str, commons: Commons, what: str, status: str,
        evidence: str = "", actor: Actor | None = None,
    ) -> None:  # fmt: skip
        if self.holder_of(commons, who) is None:
            return
        entry = ledger.record(
            user=who, kind=kind, description=what, commons=commons,
            evidence_url=evidence, actor=actor,
        )  # fmt: skip
        holder = next(
            (u for u in self.users.values() if ledger.may_confirm(u, entry)), None
        )
        if holder is None or status == "pending":
            return
        if status == "confirmed":
            ledger.confirm(entry, by=holder)
        elif status == "declined":
            ledger.decline(
                entry, by=holder, reason="Pas de trace de ce travail dans le dépôt."
            )

    def load_ledger(self) -> None:
        for spec in LEDGER:
            self.write_entry(
                who=self.users[spec["who"]],
                kind=spec["kind"],
                commons=Commons.objects.get(title=spec["commons"]),
                what=spec["what"],
                status=spec["status"],
                evidence=spec.get("evidence", ""),
                actor=self.actors[spec["actor"]] if spec.get("actor") else None,
            )
        # People who belong to a commons' community do its everyday work.
        members = list(
            CommunityMembership.objects.filter(
                status="active", user__isnull=False, role__in=["contributor", "holder"]
            ).select_related("commons", "user")
        )
        for _step in range(GENERATED_ENTRIES):
            membership = self.rng.choice(members)
            kind, what = self.rng.choice(LEDGER_WORK[membership.commons.kind])
            roll = self.rng.random()
            status = "confirmed" if roll < 0.84 else "pending" if roll < 0.95 else (
                "declined")  # fmt: skip
            self.write_entry(
                who=membership.user, kind=kind, commons=membership.commons,
                what=what, status=status,
            )  # fmt: skip

    def load_funding(self) -> None:
        """Every state of funding: pledges open and partly paid, grants
        waiting for a holder, received and spent with receipts."""
        for spec in FUNDING:
            funder = self.actors[spec["funder"]]
            banker = self.admin_of(funder)
            entry = record_funding(
                user=banker,
                funder=funder,
                commons=Commons.objects.get(title=spec["commons"]),
                kind=spec["kind"],
                amount=Decimal(spec["amount"]),
                purpose=spec["purpose"],
                date=self.today + timedelta(days=spec["days"]),
            )
            grants = [entry] if entry.kind == "grant" else []
            for part in spec.get("paid", []):
                grants.append(
                    funding.convert(
                        entry,
                        user=banker,
                        amount=Decimal(part["amount"]),
                        purpose=part["purpose"],
                        date=self.today + timedelta(days=part["days"]),
                    )
                )
            for grant in grants:
                if spec.get("acknowledged", True):
                    self.receive(grant, spec.get("expenses", []))

    def receive(self, grant: Any, expenses: list[dict[str, Any]]) -> None:
        """A holder of the commons acknowledges ``grant`` and spends of it."""
        holder = next(
            (u for u in self.users.values() if funding.may_acknowledge(u, grant)),
            None,
        )
        if holder is None:
            return
        funding.acknowledge(grant, by=holder)
        for spec in expenses:
            proof = spec["receipt"]
            funding.record_expense(
                grant,
                user=holder,
                amount=Decimal(spec["amount"]),
                purpose=spec["purpose"],
                date=self.today + timedelta(days=spec["days"]),
                receipt=(
                    ContentFile(receipt_png(spec["purpose"]), name="facture.png")
                    if proof == "file"
                    else None
                ),
                receipt_url="" if proof == "file" else proof,
            )

    # Dates ---------------------------------------------------------------------

    def spread_dates(self) -> None:
        """Date this content over the past months, in the order it was written."""
        now = timezone.now()
        start = now - timedelta(days=STORY_DAYS)
        mine = list(Activity.objects.filter(id__gt=self.first_activity).order_by("id"))
        step = (now - timedelta(hours=3) - start) / max(len(mine), 1)
        for index, item in enumerate(mine):
            item.created = start + step * index
        Activity.objects.bulk_update(mine, ["created"], batch_size=500)
        created_at: dict[tuple[int, int], datetime] = {}
        for item in mine:
            if item.verb == "created":
                created_at.setdefault(
                    (item.content_type_id, item.object_id), item.created
                )
        for model in (Domain, Need, Challenge):
            content_type = ContentType.objects.get_for_model(model)
            for pk in model.objects.values_list("pk", flat=True):
                when = created_at.get((content_type.id, pk))
                if when:
                    model.objects.filter(pk=pk).update(created=when, updated=when)
        for experiment in Experiment.objects.all():
            when = timezone.make_aware(
                datetime.combine(experiment.starts, datetime.min.time())
            ) - timedelta(days=7)
            Experiment.objects.filter(pk=experiment.pk).update(created=when)
            Feedback.objects.filter(experiment=experiment).update(
                created=min(when + timedelta(days=14), now - timedelta(hours=5))
            )
        self.date_entries(now)

    def date_entries(self, now: datetime) -> None:
        """Spread the ledger over the year, newer entries being more frequent."""
        entries = list(Contribution.objects.order_by("id"))
        for entry in entries:
            back = int(365 * (1 - self.rng.random() ** 0.6))
            when = now - timedelta(days=back, hours=self.rng.randint(2, 20))
            entry.created = when
            if entry.confirmed_at:
                entry.confirmed_at = min(when + timedelta(days=2), now)
        Contribution.objects.bulk_update(
            entries, ["created", "confirmed_at"], batch_size=500
        )
