from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "fabrique.projects"
    label = "projects"
    verbose_name = _("Projects, contributions and funding")

    def ready(self) -> None:
        from fabrique.core import activity
        from fabrique.projects import aggregates, graph_edges, ledger

        ledger.connect()
        graph_edges.connect()
        aggregates.connect()
        for verb, wording in VERBS.items():
            activity.VERBS.setdefault(verb, wording)


VERBS = {
    "contribution_recorded": _("recorded a contribution"),
    "funding_pledge": _("recorded a funding pledge"),
    "funding_grant": _("recorded a grant"),
    "funding_acknowledged": _("acknowledged a grant as received"),
    "funding_spent": _("recorded an expense of a grant"),
    "contract_changed": _("changed the commons a project uses and contributes to"),
    "accompaniment": _("changed the accompaniment of a project"),
}
