"""Open Badges 2.0 and 3.0, W3C Verifiable Credentials: build, sign, bake, verify.

A plain-Python engine: no Django, no network. JSON-LD contexts come from a
mapping ``URL -> file`` handed in by the caller (the web app builds it from the
npm packages installed under ``FABRIQUE_ASSETS_DIR``), so canonicalisation and
verification never fetch anything.
"""

from __future__ import annotations


class CredentialsError(Exception):
    """Base error of the credentials engine."""
