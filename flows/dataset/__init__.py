"""Synthetic datasets for researchers: ``clearsim dataset`` (docs/dataset.md).

One simulated replication of a scenario becomes a directory of tables (Parquet or CSV), the
event log as XES and OCEL 2.0, and a manifest. Faker and the file formats live here, at the
edge; the engine (``simulation/``) only records events (architecture rules 2 and 5).
"""
