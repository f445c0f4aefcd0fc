from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "fabrique.projects"
    label = "projects"
    verbose_name = _("Projects, contributions and funding")

    def ready(self) -> None:
        from fabrique.catalog.views import discussions
        from fabrique.core import activity, moderation
        from fabrique.projects import aggregates, graph_edges, ledger
        from fabrique.projects.models import Expense, Funding, Project

        discussions.TARGETS["project"] = (
            Project,
            "projects:discussions",
            "projects:discussion",
        )
        ledger.connect()
        graph_edges.connect()
        aggregates.connect()
        # A pledge, a grant or an expense can be reported and hidden: hidden, it
        # leaves the pages, the totals and the dashboard.
        moderation.register(
            Funding,
            excerpt=lambda f: f"{f.funder} · {f.amount} {f.currency} · {f.purpose}",
            url=lambda f: _money_url(f.commons, f"funding-{f.pk}"),
        )
        moderation.register(
            Expense,
            excerpt=lambda e: f"{e.amount} · {e.purpose}",
            url=lambda e: _money_url(e.grant.commons, f"expense-{e.pk}"),
        )
        for verb, wording in VERBS.items():
            activity.VERBS.setdefault(verb, wording)


def _money_url(commons: object, anchor: str) -> str:
    from django.urls import reverse

    slug = commons.slug  # type: ignore[attr-defined]
    return f"{reverse('projects:commons_contributions', args=[slug])}#{anchor}"


VERBS = {
    "contribution_recorded": _("recorded a contribution"),
    "funding_pledge": _("recorded a funding pledge"),
    "funding_grant": _("recorded a grant"),
    "funding_acknowledged": _("acknowledged a grant as received"),
    "funding_spent": _("recorded an expense of a grant"),
    "funding_receipt": _("added the receipt of an expense"),
    "contract_changed": _("changed the commons a project uses and contributes to"),
    "accompaniment": _("changed the accompaniment of a project"),
    "contract_acknowledged": _("acknowledged what the project states of a commons"),
    "contract_contested": _("contested what the project states of a commons"),
}
