"""Rules on trips."""

from __future__ import annotations
