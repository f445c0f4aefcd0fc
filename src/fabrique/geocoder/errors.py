"""The one exception of the geocoder engine."""

from __future__ import annotations


class GeocoderError(Exception):
    """Bad input or a broken index; the message names what is wrong."""
