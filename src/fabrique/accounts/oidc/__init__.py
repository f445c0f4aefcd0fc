"""Sign-in with OpenID Connect providers, on django-allauth's generic client.

allauth's ``openid_connect`` provider, made stricter where the field needs
it: a ``nonce`` sent and checked, the ID token's signature always verified
against the provider's keys, a signed userinfo answer (``application/jwt``,
as ProConnect sends it) accepted once verified, no authorisation parameters
or scopes taken from the query string, and the provider's logout reached
when one signs out.
"""
