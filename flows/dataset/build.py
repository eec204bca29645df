"""``build_dataset``: one simulated replication written out as a dataset (docs/dataset.md).

Every table, the XES logs (the full log and a flat log per object type,
:mod:`clearsim.flows.dataset.xes`), the OCEL log and the manifest go into one directory. The
engine runs replication 0 of the scenario from the given root seed, in a process of its own
(:mod:`clearsim.flows.dataset.apart`); the tables are derived from its event log and case table,
chunk by chunk, with every synthetic draw taken from the replication's ``Purpose.SYNTHETIC``
streams. Same scenario + seed + code = the same bytes.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from clearsim.flows.dataset.apart import simulate_apart
from clearsim.flows.dataset.b2b_orders import b2b_order_columns
from clearsim.flows.dataset.cbec import CbecBuilder, cbec_cases
from clearsim.flows.dataset.clock import start_epoch_ms
from clearsim.flows.dataset.collector import fewer_collections
from clearsim.flows.dataset.consolidated import consolidated_columns, consolidation_periods
from clearsim.flows.dataset.context import BuildContext, assign_parties, process_terms
from clearsim.flows.dataset.customs import CustomsBuilder
from clearsim.flows.dataset.digest import digest_log
from clearsim.flows.dataset.eventlog import event_chunks
from clearsim.flows.dataset.export_facts import export_facts
from clearsim.flows.dataset.export_lists import export_list_chunks
from clearsim.flows.dataset.facts import case_facts
from clearsim.flows.dataset.manifest import (
    UNFINISHED,
    exporter_version,
    format_libraries,
    write_manifest,
)
from clearsim.flows.dataset.ocel import write_ocel
from clearsim.flows.dataset.parties import enterprises
from clearsim.flows.dataset.progress import StageProgress
from clearsim.flows.dataset.relations import link_columns
from clearsim.flows.dataset.schema import SCHEMAS
from clearsim.flows.dataset.scope import DatasetScope
from clearsim.flows.dataset.transport import TransportBuilder
from clearsim.flows.dataset.warehouse_consignments import warehouse_columns
from clearsim.flows.dataset.writers import Format, TableWriter, system_memory_pool
from clearsim.flows.dataset.xes import write_xes
from clearsim.flows.storage.provenance import code_version, library_versions
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.log.heap import release_free_memory

OCEL_FILE = "event_log.ocel.json"
REPLICATION = 0


class DatasetError(ValueError):
    """The output directory cannot be used."""


@dataclass
class DatasetResult:
    """What was written, how long each stage took (seconds), and the simulation's peak RSS (MB)."""

    directory: Path
    rows: dict[str, int]
    events: int
    flat_xes: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Traces and events of each flat XES log, by file name."""
    seconds: dict[str, float] = field(default_factory=dict)
    simulation_peak_rss_mb: float = float("nan")


def prepare_directory(out: Path) -> None:
    """Create ``out`` and mark it unfinished; refuse a file or a directory that is not empty.

    A directory still marked (:data:`UNFINISHED`: a build that was killed or failed) is cleared
    and built again; a finished dataset (its manifest written, the mark removed) is never touched.
    """
    try:
        if out.exists():
            if not out.is_dir():
                raise DatasetError(f"--out {out} exists and is not a directory")
            if (out / UNFINISHED).exists():
                shutil.rmtree(out)
            elif any(out.iterdir()):
                raise DatasetError(f"--out {out} exists and is not an empty directory")
        out.mkdir(parents=True, exist_ok=True)
        (out / UNFINISHED).touch()
    except OSError as error:
        raise DatasetError(f"--out {out}: cannot write there ({error.strerror})") from None


def build_dataset(
    scope: DatasetScope,
    seed: int,
    fmt: Format,
    out: Path,
    *,
    source_hash: str,
    show_progress: bool = False,
    xes_gz: bool = False,
) -> DatasetResult:
    """Simulate ``scope.scenario`` from ``seed`` and write the dataset into ``out``.

    ``xes_gz`` writes the XES logs gzip-compressed (``.xes.gz``) instead of plain.
    """
    prepare_directory(out)
    scenario = scope.scenario
    result = DatasetResult(directory=out, rows={}, events=0)
    with (
        tempfile.TemporaryDirectory(prefix="clearsim-dataset-") as scratch,
        fewer_collections(),
        system_memory_pool(),
        StageProgress(show_progress) as bar,
    ):
        bar.stage("simulate", 1)
        clock = time.perf_counter()
        run = simulate_apart(scenario, REPLICATION, seed, Path(scratch))
        result.simulation_peak_rss_mb = run.peak_rss_mb
        digest = digest_log(run.log)
        del run
        bar.advance()
        result.seconds["simulate"] = time.perf_counter() - clock
        clock = time.perf_counter()
        streams = Streams(seed, REPLICATION)
        facts = case_facts(digest, start_epoch_ms(scenario.start), scenario.start.year)
        firms = enterprises(streams)
        ctx = BuildContext(
            digest=digest,
            facts=facts,
            streams=streams,
            enterprises=firms,
            parties=assign_parties(streams, firms, np.array(digest.cases.aeo, dtype=bool)),
            terms=process_terms(scenario.processes),
            start_year=scenario.start.year,
        )
        writers = {name: TableWriter(out, name, fmt) for name in SCHEMAS}
        n_cbec = len(cbec_cases(ctx))
        bar.stage("tables", 2 * digest.n_cases + n_cbec + digest.n_events)
        try:
            writers["enterprises"].write(firms.table.to_pydict())
            for chunk in CbecBuilder(ctx).chunks():
                for table, columns in chunk.items():
                    writers[table].write(columns)
                bar.advance(len(chunk["orders"]["order_no"]))  # type: ignore[arg-type]
            export = export_facts(ctx)
            for columns in export_list_chunks(ctx, export):
                writers["export_lists"].write(columns)
            writers["b2b_orders"].write(b2b_order_columns(ctx, export))
            periods = consolidation_periods(scenario.processes)
            writers["consolidated_declarations"].write(consolidated_columns(ctx, export, periods))
            transport = TransportBuilder(ctx)
            numbers = (transport.container_numbers(), transport.conveyance_numbers())
            writers["warehouse_consignments"].write(warehouse_columns(ctx, export, *numbers))
            del export
            customs = CustomsBuilder(ctx)
            for chunk in customs.case_chunks():
                for table, columns in chunk.items():
                    writers[table].write(columns)
                bar.advance(len(chunk["cases"]["process"]))  # type: ignore[arg-type]
            for columns in customs.inspection_chunks():
                writers["inspections"].write(columns)
            for columns in transport.container_chunks():
                writers["containers"].write(columns)
            writers["conveyances"].write(transport.conveyances())
            writers["links"].write(link_columns(ctx))
            bar.advance(digest.n_cases)
            for columns in event_chunks(ctx):
                writers["events"].write(columns)
                bar.advance(len(columns["event_id"]))  # type: ignore[arg-type]
        finally:
            for writer in writers.values():
                writer.close()
        result.rows = {name: writer.rows for name, writer in writers.items()}
        result.seconds["tables"] = time.perf_counter() - clock
        release_free_memory()  # the chunks' strings and arrays, before the XES text
        clock = time.perf_counter()
        bar.stage("XES", digest.n_events)
        xes = write_xes(ctx, out, scenario.name, bar.advance, gz=xes_gz)
        result.events, result.flat_xes = xes.events, xes.flat
        result.seconds["xes"] = time.perf_counter() - clock
        release_free_memory()
        clock = time.perf_counter()
        bar.stage("OCEL", digest.n_events)
        sites = {name: spec.node for name, spec in scenario.resources.items()}
        write_ocel(ctx, out / OCEL_FILE, sites, bar.advance)
        result.seconds["ocel"] = time.perf_counter() - clock
    clock = time.perf_counter()
    header = {
        "dataset": "clearsim synthetic clearance dataset",
        "scenario": scenario.name,
        "scenario_hash": scenario.scenario_hash,
        "source_scenario_hash": source_hash,
        "seed": seed,
        "replication": REPLICATION,
        "code_version": code_version(),
        "exporter_version": exporter_version(),
        "libraries": {
            **library_versions(),
            **format_libraries(),
            **({"zlib": zlib.ZLIB_RUNTIME_VERSION} if xes_gz else {}),
        },
        "start_local": scenario.start.isoformat(),
        "time_zone": "Asia/Shanghai (timestamps stored in UTC)",
        "days": scope.days,
        "expected_orders": round(scope.expected_orders, 3),
        "rate_factor": scope.rate_factor,
        "format": fmt,
        "events": result.events,
        "flat_xes": {
            name: {"traces": traces, "events": events}
            for name, (traces, events) in result.flat_xes.items()
        },
    }
    write_manifest(out, header, result.rows)
    (out / UNFINISHED).unlink()
    result.seconds["manifest"] = time.perf_counter() - clock
    return result
