from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "fabrique.federation"
    label = "federation"
    verbose_name = _("Network of instances")

    def ready(self) -> None:
        from fabrique.federation import changes, provenance

        changes.connect()
        provenance.connect()
