from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "fabrique.community"
    label = "community"
    verbose_name = _("Challenges and communities")

    def ready(self) -> None:
        from fabrique.community import rules, search, verbs  # noqa: F401

        rules.register()
        verbs.register()
