"""Fabrique: an open meta-platform for mobility commons."""

__version__ = "0.1.0"
