"""Rules on routes."""

from __future__ import annotations
