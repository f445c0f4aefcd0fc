"""The portal's WSGI application.

The geocoder's JSON routes (``/search``, ``/reverse`` and their twins under
``/api/1/geocoder/``) are answered in front of Django's stack
(:mod:`fabrique.places.lean`); every other request goes through Django.
The geocoder index is opened and the routes are loaded here, so a server
that loads the application before forking (``gunicorn --preload``) shares
them with its workers.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
django_application = get_wsgi_application()

from fabrique.places.lean import GeocoderRoutes, warm  # noqa: E402

application = GeocoderRoutes(django_application)
# Every route's view module (and what they import: rdflib, allauth…) would
# otherwise be loaded by the first request, after the freeze below: some
# 100,000 objects that each full garbage collection would then walk, adding
# 60–130 ms to a request every few requests.
get_resolver().url_patterns  # noqa: B018
warm()
