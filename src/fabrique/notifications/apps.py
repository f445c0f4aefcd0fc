from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "fabrique.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from fabrique.notifications import periodic, services

        services.connect()
        periodic.connect()
