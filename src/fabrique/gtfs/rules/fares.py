"""Rules on fares."""

from __future__ import annotations
