from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "fabrique.transport"
    label = "transport"
    verbose_name = _("Transport data")

    def ready(self) -> None:
        from fabrique.core import moderation
        from fabrique.transport.models import Reuse

        # A declared reuse can be reported and hidden like a commons.
        moderation.register(
            Reuse, excerpt=lambda reuse: f"{reuse.url} · {reuse.dataset}"
        )
