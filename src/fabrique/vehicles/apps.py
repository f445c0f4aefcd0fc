from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VehiclesConfig(AppConfig):
    name = "fabrique.vehicles"
    label = "vehicles"
    verbose_name = _("Modular open vehicles")

    def ready(self) -> None:
        from fabrique.vehicles import permissions  # noqa: F401 (registers rules)
