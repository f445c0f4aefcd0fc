from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fabrique.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Register the indexable types: their saves and deletes update search.
        from fabrique.core.search import catalogue  # noqa: F401
