"""Store runs and their replications, one transaction per run; read them back."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, SQLAlchemyError
from sqlmodel import Session, col, select

from clearsim.flows.storage.provenance import code_version, library_versions_json
from clearsim.flows.storage.schema import SchemaError, upgrade_database
from clearsim.models.db import DEFAULT_DB_URL, make_engine
from clearsim.models.records import (
    LegTrips,
    OutcomeCount,
    OverlongCase,
    ResourceProfile,
    ResourceStat,
    RunSummary,
    SegmentQuantiles,
    SegmentStat,
)
from clearsim.models.scenario import Scenario
from clearsim.models.tables import (
    LegTripsRow,
    OutcomeCountRow,
    OverlongCaseRow,
    ReplicationRow,
    ResourceProfileRow,
    ResourceStatRow,
    RunRow,
    SegmentQuantilesRow,
    SegmentStatRow,
)

DB_URL_ENV = "CLEARSIM_DB_URL"


class DatabaseError(Exception):
    """The database URL is malformed or the server cannot be reached (one line)."""


def resolve_db_url(cli_value: str | None) -> str:
    """``--db-url``, else ``CLEARSIM_DB_URL``, else a SQLite file in the working directory."""
    if cli_value is not None:
        return cli_value
    return os.environ.get(DB_URL_ENV) or DEFAULT_DB_URL


def open_database(url: str) -> Engine:
    """Check the URL, connect, create or upgrade the tables; raise :class:`DatabaseError` otherwise.

    The tables are brought to the newest schema revision (:mod:`clearsim.flows.storage.schema`):
    a new database gets them, an older one is migrated, one written by a newer clearsim is
    refused.
    """
    try:
        make_url(url)
    except ArgumentError:
        raise DatabaseError(f"database URL is not a valid SQLAlchemy URL: {url!r}") from None
    engine: Engine | None = None
    try:
        engine = make_engine(url)
        upgrade_database(engine)
    except SchemaError as error:
        _dispose(engine)
        raise DatabaseError(f"cannot use database {_redacted(url)}: {error}") from None
    except (SQLAlchemyError, ImportError) as error:
        _dispose(engine)
        reason = " ".join(str(getattr(error, "orig", None) or error).split())
        raise DatabaseError(f"cannot open database {_redacted(url)}: {reason}") from None
    return engine


def _dispose(engine: Engine | None) -> None:
    if engine is not None:
        engine.dispose()


def _redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _nullable(value: float) -> float | None:
    return None if math.isnan(value) else value


def _nan_if_null(value: float | None) -> float:
    return math.nan if value is None else value


def _floats_json(values: Sequence[float]) -> str:
    """A JSON list of floats, NaN as null (JSON has no NaN)."""
    return json.dumps([None if math.isnan(v) else v for v in values], separators=(",", ":"))


def _floats(text: str) -> tuple[float, ...]:
    return tuple(math.nan if v is None else float(v) for v in json.loads(text))


def store_run(
    engine: Engine, scenario: Scenario, summaries: list[RunSummary], command: str = "run"
) -> int:
    """Store a run and any replication not stored before, in one transaction; return the run id.

    The summaries must be replications ``0 .. n - 1`` of ``scenario`` with its seed: that is
    what :func:`load_run` reads back. A replication another writer stored meanwhile is skipped.
    """
    expected = list(range(len(summaries)))
    if sorted(s.replication for s in summaries) != expected:
        raise ValueError("store_run needs replications 0 .. n - 1, each once")
    if any(
        (s.scenario_hash, s.root_seed) != (scenario.scenario_hash, scenario.seed) for s in summaries
    ):
        raise ValueError("every summary must come from this scenario and its seed")
    version, libraries = code_version(), library_versions_json()
    with Session(engine) as session:
        run = RunRow(
            created_at=datetime.now(UTC),
            command=command,
            scenario_name=scenario.name,
            scenario_hash=scenario.scenario_hash,
            scenario_json=scenario.resolved_json(),
            root_seed=scenario.seed,
            replications=len(summaries),
            code_version=version,
            library_versions=libraries,
        )
        session.add(run)
        for summary in sorted(summaries, key=lambda s: s.replication):
            _add_if_missing(session, summary, version, libraries)
        session.commit()
        session.refresh(run)
        assert run.id is not None
        return run.id


def _add_if_missing(session: Session, summary: RunSummary, version: str, libraries: str) -> bool:
    """Add a replication unless it is stored; a concurrent duplicate is harmless. True if added."""
    existing = session.exec(
        select(ReplicationRow.id).where(
            ReplicationRow.scenario_hash == summary.scenario_hash,
            ReplicationRow.replication == summary.replication,
            ReplicationRow.root_seed == summary.root_seed,
            ReplicationRow.code_version == version,
        )
    ).first()
    if existing is not None:
        return False
    try:
        with session.begin_nested():  # a savepoint: a concurrent duplicate is harmless
            _add_replication(session, summary, version, libraries)
    except IntegrityError:
        return False
    return True


def store_replications(engine: Engine, summaries: Sequence[RunSummary]) -> int:
    """Store replications not stored before, all in one transaction; return how many were new.

    A process killed during the call leaves none of them half-written: the transaction is
    committed whole or not at all.
    """
    version, libraries = code_version(), library_versions_json()
    with Session(engine) as session:
        added = sum(_add_if_missing(session, s, version, libraries) for s in summaries)
        session.commit()
    return added


def stored_replications(engine: Engine, scenario_hash: str, root_seed: int) -> set[int]:
    """Replication numbers stored for a scenario and root seed by this code version."""
    with Session(engine) as session:
        rows = session.exec(
            select(ReplicationRow.replication).where(
                ReplicationRow.scenario_hash == scenario_hash,
                ReplicationRow.root_seed == root_seed,
                ReplicationRow.code_version == code_version(),
            )
        ).all()
    return set(rows)


def load_replications(
    engine: Engine, scenario_hash: str, root_seed: int, replications: int, version: str
) -> list[RunSummary]:
    """Summaries of replications ``0 .. replications - 1`` stored for this key, in order."""
    with Session(engine) as session:
        rows = session.exec(
            select(ReplicationRow)
            .where(
                ReplicationRow.scenario_hash == scenario_hash,
                ReplicationRow.root_seed == root_seed,
                ReplicationRow.code_version == version,
                col(ReplicationRow.replication) < replications,
            )
            .order_by(col(ReplicationRow.replication))
        ).all()
        return [_summary(session, row) for row in rows]


def _add_replication(session: Session, summary: RunSummary, version: str, libraries: str) -> None:
    row = ReplicationRow(
        scenario_hash=summary.scenario_hash,
        replication=summary.replication,
        root_seed=summary.root_seed,
        code_version=version,
        library_versions=libraries,
        arrived=summary.arrived,
        completed=summary.completed,
        in_system=summary.in_system,
        measured=summary.measured,
        censored=summary.censored,
        events=summary.events,
        end_time_min=summary.end_time_min,
        warmup_mser5_min=_nullable(summary.warmup_mser5_min),
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    for seg in summary.segments:
        session.add(
            SegmentStatRow(
                replication_id=row.id,
                direction=seg.direction,
                mode=seg.mode,
                segment=seg.segment,
                channel=seg.channel,
                n=seg.n,
                mean_h=_nullable(seg.mean_h),
                median_h=_nullable(seg.median_h),
                p90_h=_nullable(seg.p90_h),
                share_24h=_nullable(seg.share_24h),
                share_48h=_nullable(seg.share_48h),
            )
        )
    for res in summary.resources:
        session.add(
            ResourceStatRow(
                replication_id=row.id,
                resource=res.resource,
                capacity=res.capacity,
                available_fraction=_nullable(res.available_fraction),
                utilisation=_nullable(res.utilisation),
                utilisation_check=_nullable(res.utilisation_check),
                mean_queue_length=_nullable(res.mean_queue_length),
                mean_wait_min=_nullable(res.mean_wait_min),
                max_queue_length=res.max_queue_length,
                served=res.served,
            )
        )
    for outcome in summary.outcomes:
        session.add(
            OutcomeCountRow(
                replication_id=row.id,
                process=outcome.process,
                outcome=outcome.outcome,
                cases=outcome.cases,
            )
        )
    _add_figure_data(session, row.id, summary)
    for case in summary.overlong:
        session.add(
            OverlongCaseRow(
                replication_id=row.id,
                case_id=case.case_id,
                process=case.process,
                direction=case.direction,
                mode=case.mode,
                segment=case.segment,
                start_min=case.start_min,
                hours=case.hours,
                open=case.open,
            )
        )


def _add_figure_data(session: Session, replication_id: int, summary: RunSummary) -> None:
    """The distributions, resource profiles and leg trips a study report draws."""
    for part in summary.distributions:
        session.add(
            SegmentQuantilesRow(
                replication_id=replication_id,
                direction=part.direction,
                mode=part.mode,
                segment=part.segment,
                n=part.n,
                hours_json=_floats_json(part.hours),
            )
        )
    for profile in summary.profiles:
        session.add(
            ResourceProfileRow(
                replication_id=replication_id,
                resource=profile.resource,
                utilisation_by_hour_json=_floats_json(profile.utilisation_by_hour),
                bin_min=profile.bin_min,
                queue_length_json=_floats_json(profile.queue_length),
            )
        )
    for leg in summary.leg_trips:
        session.add(
            LegTripsRow(
                replication_id=replication_id, source=leg.source, target=leg.target, trips=leg.trips
            )
        )


@dataclass(frozen=True)
class StoredRun:
    """A run read back: its row and the summaries of its replications."""

    run: RunRow
    summaries: list[RunSummary]


def load_run(engine: Engine, run_id: int) -> StoredRun:
    """Read run ``run_id`` and its replications (0 .. replications - 1) back as summaries."""
    with Session(engine) as session:
        run = session.get(RunRow, run_id)
        if run is None:
            raise DatabaseError(f"no run with id {run_id}")
        session.expunge(run)
    summaries = load_replications(
        engine, run.scenario_hash, run.root_seed, run.replications, run.code_version
    )
    return StoredRun(run=run, summaries=summaries)


ChildRow = TypeVar(
    "ChildRow",
    SegmentStatRow,
    ResourceStatRow,
    OutcomeCountRow,
    OverlongCaseRow,
    SegmentQuantilesRow,
    ResourceProfileRow,
    LegTripsRow,
)


def _rows_of(
    session: Session, table: type[ChildRow], replication_id: int | None
) -> Sequence[ChildRow]:
    """A replication's rows of one table, in the order they were stored."""
    return session.exec(
        select(table).where(table.replication_id == replication_id).order_by(col(table.id))
    ).all()


def _summary(session: Session, row: ReplicationRow) -> RunSummary:
    segments = _rows_of(session, SegmentStatRow, row.id)
    resources = _rows_of(session, ResourceStatRow, row.id)
    outcomes = _rows_of(session, OutcomeCountRow, row.id)
    overlong = _rows_of(session, OverlongCaseRow, row.id)
    distributions = _rows_of(session, SegmentQuantilesRow, row.id)
    profiles = _rows_of(session, ResourceProfileRow, row.id)
    legs = _rows_of(session, LegTripsRow, row.id)
    return RunSummary(
        scenario_hash=row.scenario_hash,
        replication=row.replication,
        root_seed=row.root_seed,
        arrived=row.arrived,
        completed=row.completed,
        in_system=row.in_system,
        measured=row.measured,
        censored=row.censored,
        events=row.events,
        end_time_min=row.end_time_min,
        warmup_mser5_min=_nan_if_null(row.warmup_mser5_min),
        segments=tuple(
            SegmentStat(
                direction=s.direction,
                mode=s.mode,
                segment=s.segment,
                channel=s.channel,
                n=s.n,
                mean_h=_nan_if_null(s.mean_h),
                median_h=_nan_if_null(s.median_h),
                p90_h=_nan_if_null(s.p90_h),
                share_24h=_nan_if_null(s.share_24h),
                share_48h=_nan_if_null(s.share_48h),
            )
            for s in segments
        ),
        resources=tuple(
            ResourceStat(
                resource=r.resource,
                capacity=r.capacity,
                available_fraction=_nan_if_null(r.available_fraction),
                utilisation=_nan_if_null(r.utilisation),
                utilisation_check=_nan_if_null(r.utilisation_check),
                mean_queue_length=_nan_if_null(r.mean_queue_length),
                mean_wait_min=_nan_if_null(r.mean_wait_min),
                max_queue_length=r.max_queue_length,
                served=r.served,
            )
            for r in resources
        ),
        outcomes=tuple(OutcomeCount(o.process, o.outcome, o.cases) for o in outcomes),
        overlong=tuple(
            OverlongCase(
                case_id=o.case_id,
                process=o.process,
                direction=o.direction,
                mode=o.mode,
                segment=o.segment,
                start_min=o.start_min,
                hours=o.hours,
                open=o.open,
            )
            for o in overlong
        ),
        distributions=tuple(
            SegmentQuantiles(d.direction, d.mode, d.segment, d.n, _floats(d.hours_json))
            for d in distributions
        ),
        profiles=tuple(
            ResourceProfile(
                resource=p.resource,
                utilisation_by_hour=_floats(p.utilisation_by_hour_json),
                bin_min=p.bin_min,
                queue_length=_floats(p.queue_length_json),
            )
            for p in profiles
        ),
        leg_trips=tuple(LegTrips(leg.source, leg.target, leg.trips) for leg in legs),
    )
