"""SQL tables: the persistence edge, kept apart from the specs and records.

A ``run`` is one invocation (what was asked, with the resolved scenario). Replication results
are keyed by (scenario hash, replication, root seed, code version): the same replication is
stored once however many runs ask for it, so a retried or resumed write is harmless.

Two kinds of table:

- ``run``, ``study`` and ``study_scenario`` describe invocations: SQLModel classes, written out.
- ``replication_result`` holds a :class:`RunSummary`'s own fields, and one table per list of
  records it carries (``segment_stat`` for ``segments``, ...: :data:`SUMMARY_TABLES`) holds
  those records. Their columns are derived from the record dataclasses, and
  :func:`record_row` and :func:`record_from_row` turn a record into a row and back, by the rules
  of :func:`stored_fields`. Adding a field to a record is one edit to ``models/records.py``,
  plus its Alembic revision (docs/guides/persistence.md).
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal, TypeVar, get_args, get_origin, get_type_hints

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeEngine
from sqlmodel import AutoString, Field, SQLModel

from clearsim.models.records import (
    LegTrips,
    LodgementTiming,
    OutcomeCount,
    OverlongCase,
    ResourceProfile,
    ResourceStat,
    RunSummary,
    SegmentCause,
    SegmentQuantiles,
    SegmentStat,
    WaitStat,
)

# --- records as rows --------------------------------------------------------------------------

Kind = Literal["value", "float", "floats"]
R = TypeVar("R")


@dataclasses.dataclass(frozen=True, slots=True)
class StoredField:
    """How one field of a record is stored: its column, and how its value is converted."""

    field: str
    column: str
    kind: Kind
    """``value`` as it is; ``float`` NaN as NULL; ``floats`` a JSON list, NaN as null."""
    sql_type: type[TypeEngine[Any]]


_VALUE_TYPES: dict[object, type[TypeEngine[Any]]] = {
    str: AutoString,
    int: Integer,
    bool: Boolean,
}


_STORED: dict[type[Any], tuple[StoredField, ...]] = {}


def stored_fields(record: type[Any]) -> tuple[StoredField, ...]:
    """The fields of a record class that are columns, in order.

    ``str``, ``int`` and ``bool`` fields are NOT NULL columns of the same name. ``float`` fields
    are nullable FLOAT columns: NaN (no value) is stored as NULL. ``tuple[float, ...]`` fields
    are TEXT columns named ``<field>_json`` holding a JSON list, NaN as null. A tuple of records
    is no column: it is a table of its own (:data:`SUMMARY_TABLES`). Any other type is an error,
    raised when the tables are defined.
    """
    if record in _STORED:
        return _STORED[record]
    hints = get_type_hints(record)
    stored = []
    for field in dataclasses.fields(record):
        hint = hints[field.name]
        if hint in _VALUE_TYPES:
            stored.append(StoredField(field.name, field.name, "value", _VALUE_TYPES[hint]))
        elif hint is float:
            stored.append(StoredField(field.name, field.name, "float", Float))
        elif hint == tuple[float, ...]:
            stored.append(StoredField(field.name, f"{field.name}_json", "floats", Text))
        elif not (get_origin(hint) is tuple and dataclasses.is_dataclass(get_args(hint)[0])):
            raise TypeError(f"{record.__name__}.{field.name}: no column type for {hint}")
    _STORED[record] = tuple(stored)
    return _STORED[record]


def record_columns(record: type[Any], written_out: tuple[str, ...] = ()) -> list[Column[Any]]:
    """The columns of a record class's stored fields, but those ``written_out`` by the table."""
    return [
        Column(f.column, f.sql_type(), nullable=f.kind == "float")
        for f in stored_fields(record)
        if f.field not in written_out
    ]


def record_row(record: object) -> dict[str, Any]:
    """The column values of a record (the stored fields of its class)."""
    return {
        f.column: _to_sql(f.kind, getattr(record, f.field)) for f in stored_fields(type(record))
    }


def record_from_row(
    record: type[R], row: Mapping[Any, Any], records: Mapping[str, tuple[object, ...]] | None = None
) -> R:
    """The record of class ``record`` stored in ``row`` (a row's mapping, by column name).

    ``records`` fills the record's tuples of records.
    """
    values = {f.field: _from_sql(f.kind, row[f.column]) for f in stored_fields(record)}
    return record(**values, **(records or {}))


def _to_sql(kind: Kind, value: Any) -> Any:
    if kind == "float":
        return None if math.isnan(value) else value
    if kind == "floats":
        return json.dumps([None if math.isnan(v) else v for v in value], separators=(",", ":"))
    return value


def _from_sql(kind: Kind, value: Any) -> Any:
    if kind == "float":
        return math.nan if value is None else value
    if kind == "floats":
        return tuple(math.nan if v is None else float(v) for v in json.loads(value))
    return value


# --- the replication's tables -----------------------------------------------------------------

REPLICATION_KEY = ("scenario_hash", "replication", "root_seed")
"""Fields of :class:`RunSummary` whose columns ``replication_result`` writes out (key, index)."""

ReplicationRow = Table(
    "replication_result",
    SQLModel.metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_hash", AutoString(), nullable=False, index=True),
    Column("replication", Integer, nullable=False),
    Column("root_seed", BigInteger, nullable=False),
    Column("code_version", AutoString(), nullable=False),
    Column("library_versions", Text, nullable=False),
    *record_columns(RunSummary, written_out=REPLICATION_KEY),
    UniqueConstraint(
        "scenario_hash", "replication", "root_seed", "code_version", name="uq_replication"
    ),
)
"""One row per replication: its key, provenance and the counts of its :class:`RunSummary`."""


_RECORDS: dict[str, type[Any]] = {}
"""The record class of each record table, by table name (kept out of the table's ``info``,
which Alembic would write into a generated revision)."""


def record_table(name: str, record: type[Any]) -> Table:
    """The table of one kind of record of a replication: ``id``, ``replication_id``, fields."""
    _RECORDS[name] = record
    return Table(
        name,
        SQLModel.metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "replication_id",
            Integer,
            ForeignKey("replication_result.id"),
            nullable=False,
            index=True,
        ),
        *record_columns(record),
    )


def record_of(table: Table) -> type[Any]:
    """The record class whose rows ``table`` holds."""
    return _RECORDS[table.name]


SegmentStatRow = record_table("segment_stat", SegmentStat)
ResourceStatRow = record_table("resource_stat", ResourceStat)
OutcomeCountRow = record_table("outcome_count", OutcomeCount)
OverlongCaseRow = record_table("overlong_case", OverlongCase)
SegmentQuantilesRow = record_table("segment_quantiles", SegmentQuantiles)
ResourceProfileRow = record_table("resource_profile", ResourceProfile)
LegTripsRow = record_table("leg_trips", LegTrips)
WaitStatRow = record_table("wait_stat", WaitStat)
LodgementTimingRow = record_table("lodgement_timing", LodgementTiming)
SegmentCauseRow = record_table("segment_cause", SegmentCause)

SUMMARY_TABLES: dict[str, Table] = {
    "segments": SegmentStatRow,
    "resources": ResourceStatRow,
    "outcomes": OutcomeCountRow,
    "overlong": OverlongCaseRow,
    "distributions": SegmentQuantilesRow,
    "profiles": ResourceProfileRow,
    "leg_trips": LegTripsRow,
    "waits": WaitStatRow,
    "lodgement_timing": LodgementTimingRow,
    "causes": SegmentCauseRow,
}
"""The table of each tuple of records of a :class:`RunSummary`, by field name."""


# --- invocations ------------------------------------------------------------------------------


class RunRow(SQLModel, table=True):
    """One invocation of a simulation command."""

    __tablename__ = "run"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime
    command: str
    scenario_name: str
    scenario_hash: str = Field(index=True)
    scenario_json: str = Field(sa_column=Column(Text, nullable=False))
    root_seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    replications: int
    code_version: str
    library_versions: str = Field(sa_column=Column(Text, nullable=False))


class StudyRow(SQLModel, table=True):
    """A comparison or a sweep: its scenarios, replications and how far it got.

    ``study_key`` digests everything that decides the study's results (kind, the scenarios'
    hashes in order, root seed, replications, precision target, code version): running the same
    study again finds this row and simulates only the replications not yet stored.
    """

    __tablename__ = "study"

    id: int | None = Field(default=None, primary_key=True)
    study_key: str = Field(index=True, unique=True)
    kind: str
    created_at: datetime
    updated_at: datetime
    status: str
    """``running`` until every replication is stored, then ``complete``."""
    root_seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    replications: int
    """Replications every scenario runs (grows while a precision target is not reached)."""
    target_halfwidth: float | None
    max_replications: int | None
    confidence: float
    design_json: str = Field(sa_column=Column(Text, nullable=False))
    code_version: str
    library_versions: str = Field(sa_column=Column(Text, nullable=False))


class StudyScenarioRow(SQLModel, table=True):
    """One scenario of a study in its place (0 is the reference).

    Its replications are found by (scenario hash, replication, root seed, code version) in
    ``replication_result``.
    """

    __tablename__ = "study_scenario"
    __table_args__ = (UniqueConstraint("study_id", "position", name="uq_study_position"),)

    id: int | None = Field(default=None, primary_key=True)
    study_id: int = Field(foreign_key="study.id", index=True)
    position: int
    scenario_name: str
    scenario_hash: str
    scenario_json: str = Field(sa_column=Column(Text, nullable=False))
    parameters_json: str = Field(sa_column=Column(Text, nullable=False))
