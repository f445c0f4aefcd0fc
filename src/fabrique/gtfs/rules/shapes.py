"""Rules on shapes."""

from __future__ import annotations
