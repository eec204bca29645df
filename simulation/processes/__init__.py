"""Clearance process kinds, one package each (named after the spec's ``kind``), and shared steps."""
