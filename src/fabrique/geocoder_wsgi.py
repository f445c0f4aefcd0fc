"""A server of the geocoder alone: Addok's ``/search`` and ``/reverse``.

Only what these routes need is imported: Django's settings and query
parsing, the answers and the engine; no application registry, no database,
no template. The index is opened on import, so ``gunicorn --preload``
(``fabrique geocoder-serve``) maps it once and its workers share it. Other
paths answer 404 in Addok's error shape.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")

from fabrique.places.lean import GeocoderRoutes, not_found, warm

application = GeocoderRoutes(not_found, api=False)
warm()
