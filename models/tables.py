"""SQLModel tables: the persistence edge, kept apart from the specs and records.

A ``run`` is one invocation (what was asked, with the resolved scenario). Replication results
are keyed by (scenario hash, replication, root seed, code version): the same replication is
stored once however many runs ask for it, so a retried or resumed write is harmless.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


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


class ReplicationRow(SQLModel, table=True):
    """Counts of one replication; its statistics are in the segment and resource tables."""

    __tablename__ = "replication_result"
    __table_args__ = (
        UniqueConstraint(
            "scenario_hash", "replication", "root_seed", "code_version", name="uq_replication"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    scenario_hash: str = Field(index=True)
    replication: int
    root_seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    code_version: str
    library_versions: str = Field(sa_column=Column(Text, nullable=False))
    arrived: int
    completed: int
    in_system: int
    measured: int
    censored: int
    events: int
    end_time_min: float
    warmup_mser5_min: float | None


class SegmentStatRow(SQLModel, table=True):
    """A TRS segment statistic of one replication (NULL where no case reached the segment)."""

    __tablename__ = "segment_stat"

    id: int | None = Field(default=None, primary_key=True)
    replication_id: int = Field(foreign_key="replication_result.id", index=True)
    direction: str
    mode: str
    segment: str
    channel: str
    n: int
    mean_h: float | None
    median_h: float | None
    p90_h: float | None
    share_24h: float | None
    share_48h: float | None


class ResourceStatRow(SQLModel, table=True):
    """A resource's figures in one replication."""

    __tablename__ = "resource_stat"

    id: int | None = Field(default=None, primary_key=True)
    replication_id: int = Field(foreign_key="replication_result.id", index=True)
    resource: str
    capacity: int
    available_fraction: float | None
    utilisation: float | None
    utilisation_check: float | None
    mean_queue_length: float | None
    mean_wait_min: float | None
    max_queue_length: int
    served: int


class OutcomeCountRow(SQLModel, table=True):
    """How many measured cases of a process recorded a named outcome in one replication."""

    __tablename__ = "outcome_count"

    id: int | None = Field(default=None, primary_key=True)
    replication_id: int = Field(foreign_key="replication_result.id", index=True)
    process: str
    outcome: str
    cases: int


class OverlongCaseRow(SQLModel, table=True):
    """A measured case past the monitoring threshold in one replication."""

    __tablename__ = "overlong_case"

    id: int | None = Field(default=None, primary_key=True)
    replication_id: int = Field(foreign_key="replication_result.id", index=True)
    case_id: str
    process: str
    direction: str
    mode: str
    segment: str
    start_min: float
    hours: float
    open: bool


class SegmentQuantilesRow(SQLModel, table=True):
    """Percentiles 0..100 of a segment of one flow in one replication (a JSON list of hours)."""

    __tablename__ = "segment_quantiles"

    id: int | None = Field(default=None, primary_key=True)
    replication_id: int = Field(foreign_key="replication_result.id", index=True)
    direction: str
    mode: str
    segment: str
    n: int
    hours_json: str = Field(sa_column=Column(Text, nullable=False))


class ResourceProfileRow(SQLModel, table=True):
    """A resource over time in one replication: JSON lists (null where undefined)."""

    __tablename__ = "resource_profile"

    id: int | None = Field(default=None, primary_key=True)
    replication_id: int = Field(foreign_key="replication_result.id", index=True)
    resource: str
    utilisation_by_hour_json: str = Field(sa_column=Column(Text, nullable=False))
    bin_min: float
    queue_length_json: str = Field(sa_column=Column(Text, nullable=False))


class LegTripsRow(SQLModel, table=True):
    """Trips over one directed leg of the network in one replication."""

    __tablename__ = "leg_trips"

    id: int | None = Field(default=None, primary_key=True)
    replication_id: int = Field(foreign_key="replication_result.id", index=True)
    source: str
    target: str
    trips: int


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
