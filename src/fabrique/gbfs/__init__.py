"""GBFS engine: load a bike/scooter-sharing feed and check it against the spec.

Versions 1.0 to 3.0 are known. A feed is read from its ``gbfs.json``
auto-discovery URL (each listed feed fetched with timeouts and size caps), or
from a folder or zip of its JSON files. Imports no Django.

>>> from fabrique.gbfs import validate
>>> result = validate("feeds/velib")  # doctest: +SKIP
>>> result.summary["stations"]  # doctest: +SKIP
1439
"""

from fabrique.gbfs.validator import Validation, validate

__all__ = ["Validation", "validate"]
