"""Catalogue pages, one module per topic: commons, actors, themes, listing."""
