"""The JSON API under /api/1/ (django-ninja)."""
