"""The portal's WSGI application.

The geocoder's JSON routes (``/search``, ``/reverse`` and their twins under
``/api/1/geocoder/``) are answered in front of Django's stack
(:mod:`fabrique.places.lean`); every other request goes through Django.
The geocoder index is opened here, so a server that loads the application
before forking (``gunicorn --preload``) shares it with its workers.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")
django_application = get_wsgi_application()

from fabrique.places.lean import GeocoderRoutes, warm  # noqa: E402

application = GeocoderRoutes(django_application)
warm()
