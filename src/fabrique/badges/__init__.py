"""Badges: badge classes, awards, rules, nominations, issuer profiles, verification.

The credentials themselves (Open Badges 2.0/3.0 documents, signatures,
baking, verification) are built by the ``fabrique.credentials`` engine.
"""
