"""Accounts: users, roles, charter acceptance, API tokens."""
