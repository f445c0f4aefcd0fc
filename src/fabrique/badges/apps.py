from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "fabrique.badges"
    label = "badges"
    verbose_name = "Badges"

    def ready(self) -> None:
        from fabrique.community import matching

        from . import tasks  # noqa: F401  (connects the ledger signal)
        from .rules import skills_shown_by_badges

        # Public skill badges weigh in suggestions as the skills they align to.
        if skills_shown_by_badges not in matching.SKILL_SOURCES:
            matching.SKILL_SOURCES.append(skills_shown_by_badges)

        from fabrique.projects import dashboards

        from .dashboards import badges_by_month

        # The ecosystem dashboard shows badges over time, by kind.
        dashboards.CHARTS.setdefault("badges", badges_by_month)
