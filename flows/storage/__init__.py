"""Persistence at the edge: SQLModel rows derived from the records, studies, provenance."""
