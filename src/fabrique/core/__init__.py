"""Shared web pieces: revisions, activity, discussions, search, moderation."""
