"""Rules on feed_info."""

from __future__ import annotations
