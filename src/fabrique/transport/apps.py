from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "fabrique.transport"
    label = "transport"
    verbose_name = _("Transport data")
