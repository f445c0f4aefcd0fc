"""Rules on transfers."""

from __future__ import annotations
