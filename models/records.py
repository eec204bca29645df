"""Flat immutable result records, one per concept (every field is documented in docs/reference)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One row of the event log, named as XES/pm4py names it on export.

    ``case_id`` -> ``case:concept:name``, ``activity`` -> ``concept:name``, ``lifecycle`` ->
    ``lifecycle:transition``, ``time_min`` -> ``time:timestamp`` (scenario start + minutes),
    ``resource`` -> ``org:resource``.
    """

    case_id: str
    activity: str
    instance_id: int
    lifecycle: str
    time_min: float
    node: str
    resource: str


@dataclass(frozen=True, slots=True)
class ShipmentOutcome:
    """One case's attributes and milestone times (minutes; NaN where never reached)."""

    case_id: str
    process: str
    object_type: str
    direction: str
    mode: str
    case_class: str
    channel: str
    aeo: bool
    advance_declared: bool
    two_step: bool
    direct_path: bool
    destination: str
    arrival_min: float
    lodgement_min: float
    release_min: float
    exit_min: float
    delivery_min: float


@dataclass(frozen=True, slots=True)
class SegmentStat:
    """One replication's statistics of one TRS segment of one flow and channel split (hours)."""

    direction: str
    mode: str
    segment: str
    channel: str
    n: int
    mean_h: float
    median_h: float
    p90_h: float
    share_24h: float
    share_48h: float


@dataclass(frozen=True, slots=True)
class ResourceStat:
    """One replication's figures for one resource over the measurement window."""

    resource: str
    capacity: int
    available_fraction: float
    utilisation: float
    utilisation_check: float
    mean_queue_length: float
    mean_wait_min: float
    max_queue_length: int
    served: int
    wait_probability: float = math.nan
    """Share of the window's visits that waited at all (Erlang C's C(c, a) for an M/M/c)."""
    peak_in_use: float = math.nan
    """Most servers (yard slots, positions, trucks) held at once in the window."""


@dataclass(frozen=True, slots=True)
class WaitStat:
    """Waits at one resource for one activity and one class of case, over the window.

    A resource shared by two stages, or served to several priority classes, has one row per
    (activity, class): what a validator compares with a priority or network formula.
    """

    resource: str
    activity: str
    case_class: str
    visits: int
    mean_wait_min: float
    wait_probability: float


@dataclass(frozen=True, slots=True)
class LodgementTiming:
    """Mean hours of a flow's consecutive TRS segments for its cases lodged on one side of arrival.

    ``lodged`` is ``before_arrival`` or ``after_arrival``; cases arriving in the window. Averaged
    together, declarations lodged days ahead and hours after arrival give a
    lodgement->release that belongs to neither; the report draws each side apart.
    """

    direction: str
    mode: str
    lodged: str
    n: int
    arrival_lodgement_h: float
    lodgement_release_h: float
    release_exit_h: float


@dataclass(frozen=True, slots=True)
class SegmentCause:
    """Mean hours of one flow's TRS segment spent on one cause in one replication.

    Measured cases that reached both milestones; over the causes of a segment the ``mean_h``
    add up to the segment's mean (``SegmentStat.mean_h`` of channel ``all``). ``share`` is
    ``mean_h`` over that mean (NaN when it is 0).
    """

    direction: str
    mode: str
    segment: str
    cause: str
    n: int
    mean_h: float
    share: float


@dataclass(frozen=True, slots=True)
class OutcomeCount:
    """How many measured cases of a process ended with (or met) a named outcome."""

    process: str
    outcome: str
    cases: int


@dataclass(frozen=True, slots=True)
class OverlongCase:
    """A measured case whose segment ran past the monitoring threshold (SEED-003 s22).

    ``open`` cases had not reached the segment's end when the run stopped; their ``hours`` run
    to the end of the run.
    """

    case_id: str
    process: str
    direction: str
    mode: str
    segment: str
    start_min: float
    hours: float
    open: bool


@dataclass(frozen=True, slots=True)
class SegmentQuantiles:
    """A segment's distribution in one replication: its 0th to 100th percentiles (hours).

    Measured cases of one flow, every channel; ``n`` cases, ``hours`` empty when ``n`` is 0.
    """

    direction: str
    mode: str
    segment: str
    n: int
    hours: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class ResourceProfile:
    """A resource over time in one replication.

    ``utilisation_by_hour[h]`` is busy over staffed server-minutes of the measurement window's
    clock hour ``h`` (0-23, Asia/Shanghai; NaN when never staffed then); ``queue_length[k]`` is
    the mean number waiting over ``[k * bin_min, (k + 1) * bin_min)`` of the run from time 0
    to the horizon (warm-up included).
    """

    resource: str
    utilisation_by_hour: tuple[float, ...]
    bin_min: float
    queue_length: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class LegTrips:
    """Trips routed over one directed leg of the network in one replication (whole run)."""

    source: str
    target: str
    trips: int


@dataclass(frozen=True, slots=True)
class RunSummary:
    """The small, serialisable result of one replication: counts, TRS segments, resources.

    ``measured`` cases arrived within the measurement window; ``censored`` of them had not left
    the customs area (no exit) and were still in progress when the run stopped at the drain
    limit (a cancelled order is finished, not censored), so their segments past
    the last milestone they reached are missing from the statistics. ``outcomes`` counts the
    named outcomes of measured cases; ``overlong`` lists measured cases past the scenario's
    monitoring threshold.
    """

    scenario_hash: str
    replication: int
    root_seed: int
    arrived: int
    completed: int
    in_system: int
    measured: int
    censored: int
    events: int
    end_time_min: float
    segments: tuple[SegmentStat, ...]
    resources: tuple[ResourceStat, ...]
    outcomes: tuple[OutcomeCount, ...]
    overlong: tuple[OverlongCase, ...]
    warmup_mser5_min: float = math.nan
    """MSER-5's warm-up, min, of a steady-state scenario (NaN if terminating, or too few cases)."""
    distributions: tuple[SegmentQuantiles, ...] = ()
    """Percentiles of arrival->release and arrival->exit per flow (the report's ECDFs)."""
    profiles: tuple[ResourceProfile, ...] = ()
    """Utilisation by clock hour and queue length over time, per resource."""
    leg_trips: tuple[LegTrips, ...] = ()
    """Trips per directed leg of the network."""
    waits: tuple[WaitStat, ...] = ()
    """Waits per resource, activity and class of case."""
    lodgement_timing: tuple[LodgementTiming, ...] = ()
    """Segment means per flow for cases lodged before and after their arrival."""
    causes: tuple[SegmentCause, ...] = ()
    """Each segment's mean hours per cause, per flow (cause attribution)."""
