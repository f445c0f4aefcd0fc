from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "fabrique.badges"
    label = "badges"
    verbose_name = "Badges"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (connects the ledger signal)
