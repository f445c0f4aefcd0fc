"""The geocoder engine: addresses, stops and places, forward and reverse.

Plain Python, no Django (the ``places`` app serves it over HTTP). The parts:

- :mod:`.normalize` — French text normalisation shared by index and queries;
- :mod:`.sources` — streaming readers for BAN, BANO, GTFS stops, places;
- :mod:`.builder` / :mod:`.storage` / :mod:`.segment` — the on-disk index
  (why memory-mapped flat columns: see :mod:`.index`);
- :mod:`.query` / :mod:`.search` — parsing, candidates and the score (its
  formula is in :mod:`.search`);
- :mod:`.reverse` — nearest points in a grid; :mod:`.batch` — CSV in, CSV out;
- :mod:`.cli` — ``fabrique geocoder …``.

Example::

    from fabrique.geocoder import Index, build_source

    with open("ban_adresses-75.csv.gz", "rb") as handle:
        build_source("var/geocoder", "ban-75", "ban", [(handle, handle.name)])
    with Index.open("var/geocoder") as index:
        best = index.search("12 r de rivoli paris", limit=1)[0]
        print(best.label, best.score)  # 12 Rue de Rivoli 75004 Paris 0.94
"""

from .documents import Result
from .errors import GeocoderError
from .index import Index, build_documents, build_gtfs_source, build_source

__all__ = [
    "GeocoderError",
    "Index",
    "Result",
    "build_documents",
    "build_gtfs_source",
    "build_source",
]
