"""Alembic migrations of the result store: one revision per schema change, applied on open."""
