"""The one exception of the GTFS engine."""

from __future__ import annotations


class GTFSError(Exception):
    """A feed cannot be read at all (not a zip, too large, unsafe): say why."""
