"""What ``clearsim dataset`` does after parsing its options (apart from the CLI module)."""

from __future__ import annotations

import time
from pathlib import Path

from clearsim.flows.dataset.build import DatasetError, build_dataset
from clearsim.flows.dataset.scope import ScopeError, dataset_scope
from clearsim.flows.dataset.writers import FORMATS, Format
from clearsim.models.scenario import Scenario


class DatasetInputError(ValueError):
    """A bad option value or output directory: reported on one line, exit status 2."""


def run_dataset(
    scenario: Scenario,
    seed: int,
    days: float | None,
    orders: int | None,
    fmt: str,
    out: Path,
    *,
    progress: bool,
    xes_gz: bool = False,
) -> str:
    """Build the dataset and return the one-line summary the command prints."""
    if fmt not in FORMATS:
        raise DatasetInputError(f"--format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    try:
        scope = dataset_scope(scenario, days, orders)
    except ScopeError as error:
        raise DatasetInputError(str(error)) from None
    fmt_: Format = "parquet" if fmt == "parquet" else "csv"
    started = time.perf_counter()
    try:
        result = build_dataset(
            scope,
            seed,
            fmt_,
            out,
            source_hash=scenario.scenario_hash,
            show_progress=progress,
            xes_gz=xes_gz,
        )
    except DatasetError as error:
        raise DatasetInputError(str(error)) from None
    elapsed = time.perf_counter() - started
    cbec = result.rows["orders"]
    return (
        f"{scenario.name} [{scope.scenario.scenario_hash[:12]}], seed {seed}, "
        f"{scope.days:g} day(s): {len(result.rows)} tables ({cbec} CBEC orders, "
        f"{result.rows['declarations']} declarations, {result.events} events), XES and OCEL 2.0 "
        f"written to {out} in {elapsed:.1f} s; checksums in {out / 'manifest.json'}"
    )
