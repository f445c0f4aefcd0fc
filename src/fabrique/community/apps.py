from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "fabrique.community"
    label = "community"
    verbose_name = _("Challenges and communities")

    def ready(self) -> None:
        from fabrique.community import rules, verbs

        rules.register()
        verbs.register()
