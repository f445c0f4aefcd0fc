from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "fabrique.places"
    label = "places"
    verbose_name = _("Places and geocoder")

    def ready(self) -> None:
        from . import catalogue

        catalogue.connect()
