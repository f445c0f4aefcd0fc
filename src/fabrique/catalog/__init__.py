"""Catalogue: commons, actors, themes, needs, community memberships."""
