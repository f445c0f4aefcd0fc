"""Rules on agency."""

from __future__ import annotations
