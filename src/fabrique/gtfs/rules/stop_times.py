"""Rules on stop_times."""

from __future__ import annotations
