"""Rules on calendar."""

from __future__ import annotations
