"""Orchestration at the edge: CLI, Prefect execution, storage, reports, datasets, calibration."""
