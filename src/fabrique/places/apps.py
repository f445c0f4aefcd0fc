from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "fabrique.places"
    label = "places"
    verbose_name = _("Places and geocoder")

    def ready(self) -> None:
        from fabrique.transport import geocoding

        from . import catalogue

        catalogue.connect()
        geocoding.connect()  # the transport datasets' stops, another source
