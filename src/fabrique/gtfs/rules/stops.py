"""Rules on stops."""

from __future__ import annotations
