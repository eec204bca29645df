"""The event log: what processes record, and the invariant every simulated log satisfies.

Rows are plain tuples ``(case, activity, instance, lifecycle, time_min, node, resource)`` of
integer codes, appended in simulation order; names are kept once in the log's registries and
mapped back at export. Case attributes live beside the rows in :class:`CaseTable`, and shift
capacity changes in ``capacity_rows``: metrics are pure functions of these three.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from models.records import EventRecord
from models.vocabulary import LIFECYCLE_NAMES, MILESTONES, Channel, Lifecycle

NO_RESOURCE = -1
EventRow = tuple[int, int, int, int, float, int, int]
CASE, ACTIVITY, INSTANCE, LIFECYCLE, TIME, NODE, RESOURCE = range(7)


class DeclaredGoods(NamedTuple):
    """What a CBEC order declares, as its entity module drew it (ground truth for exports).

    Money in CNY; ``ct_rate`` is the statutory consumption-tax rate of the SKU, ``tax_cny`` the
    tax due by the CBEC rules (``simulation/cbec_rules.py``).
    """

    sku: int
    quantity: int
    value_cny: float
    prior_annual_cny: float
    ct_rate: float
    tax_cny: float


@dataclass(slots=True)
class CaseTable:
    """Per-case attributes, indexed by case id (ids are counters from zero).

    ``shipment`` cases are measured by the TRS (containers, parcels, orders); carriers such as
    vessels, flights and trains are not. ``case_class`` is the trader or priority class: ``aeo``
    or ``general`` for declarations, the class name for station-flow customers. ``direct_path``
    marks a case enrolled in a direct-path pilot (ship-side pickup, direct loading, apron
    pickup or loading, airside transfer). ``goods`` holds what a 1210 order declares (None for
    other cases); metrics never read it, the dataset export does.
    """

    object_type: list[str] = field(default_factory=list)
    process: list[str] = field(default_factory=list)
    shipment: list[bool] = field(default_factory=list)
    direction: list[str] = field(default_factory=list)
    mode: list[str] = field(default_factory=list)
    channel: list[int] = field(default_factory=list)
    case_class: list[str] = field(default_factory=list)
    aeo: list[bool] = field(default_factory=list)
    advance_declared: list[bool] = field(default_factory=list)
    two_step: list[bool] = field(default_factory=list)
    direct_path: list[bool] = field(default_factory=list)
    destination: list[str] = field(default_factory=list)
    finished: list[bool] = field(default_factory=list)
    goods: list[DeclaredGoods | None] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.object_type)


class EventLog:
    """Columnar-by-construction event log of one replication."""

    __slots__ = (
        "_activity_codes",
        "_columns",
        "_instances",
        "activities",
        "capacity_rows",
        "cases",
        "flows",
        "milestone_codes",
        "nodes",
        "process_outcomes",
        "resources",
        "rows",
    )

    def __init__(self, nodes: tuple[str, ...], resources: tuple[str, ...]) -> None:
        self.nodes = nodes
        self.resources = resources
        self.activities: list[str] = []
        self._activity_codes: dict[str, int] = {}
        self.milestone_codes: set[int] = set()
        self.process_outcomes: list[tuple[str, str]] = []
        self.flows: list[tuple[str, str]] = []
        self.rows: list[EventRow] = []
        self.capacity_rows: list[tuple[float, int, int]] = []
        self.cases = CaseTable()
        self._instances = 0
        self._columns: tuple[int, dict[str, np.ndarray]] | None = None
        for name in MILESTONES:
            self.activity(name, milestone=True)

    def activity(self, name: str, *, milestone: bool = False) -> int:
        """Code of activity ``name``, registering it on first use (at set-up, not per event).

        A ``milestone`` is recorded as a single complete.
        """
        code = self._activity_codes.get(name)
        if code is None:
            code = len(self.activities)
            self.activities.append(name)
            self._activity_codes[name] = code
        if milestone:
            self.milestone_codes.add(code)
        return code

    def outcome(self, process: str, name: str) -> int:
        """Code of an outcome milestone of ``process``: how a case ended or what befell it.

        Outcomes (an out-of-stock order, a late complete declaration) are counted per process
        in the run summary, zero counts included.
        """
        code = self.activity(name, milestone=True)
        if (process, name) not in self.process_outcomes:
            self.process_outcomes.append((process, name))
        return code

    def declare_flow(self, direction: str, mode: str) -> None:
        """Announce (at set-up) that a process produces shipments of this direction and mode."""
        if (direction, mode) not in self.flows:
            self.flows.append((direction, mode))

    def node(self, name: str) -> int:
        """Code of network site ``name``."""
        return self.nodes.index(name)

    def resource(self, name: str) -> int:
        """Code of resource ``name``."""
        return self.resources.index(name)

    def new_case(
        self,
        object_type: str,
        process: str,
        *,
        shipment: bool = True,
        direction: str = "import",
        mode: str = "sea",
        case_class: str = "",
        aeo: bool = False,
        advance_declared: bool = False,
        two_step: bool = False,
        direct_path: bool = False,
        destination: str = "",
    ) -> int:
        """Register a case and return its id."""
        cases = self.cases
        case_id = len(cases)
        cases.object_type.append(object_type)
        cases.process.append(process)
        cases.shipment.append(shipment)
        cases.direction.append(direction)
        cases.mode.append(mode)
        cases.channel.append(int(Channel.NONE))
        cases.case_class.append(case_class)
        cases.aeo.append(aeo)
        cases.advance_declared.append(advance_declared)
        cases.two_step.append(two_step)
        cases.direct_path.append(direct_path)
        cases.destination.append(destination)
        cases.finished.append(False)
        cases.goods.append(None)
        return case_id

    def new_instance(self) -> int:
        """A fresh activity-instance id."""
        self._instances += 1
        return self._instances

    @property
    def instance_count(self) -> int:
        """How many activity-instance ids have been handed out."""
        return self._instances

    def reserve_instances(self, count: int) -> None:
        """Hand out ids after ``count`` from now on (ids below it are taken by merged rows)."""
        self._instances = max(self._instances, count)

    def columns(self) -> dict[str, np.ndarray]:
        """The rows as numpy columns (case, activity, instance, lifecycle, time, node, resource).

        Built once per length of the log: metrics call this many times after a run.
        """
        if self._columns is None or self._columns[0] != len(self.rows):
            self._columns = (len(self.rows), self._build_columns())
        return self._columns[1]

    def _build_columns(self) -> dict[str, np.ndarray]:
        if not self.rows:
            empty_i = np.empty(0, dtype=np.int64)
            return {
                "case": empty_i,
                "activity": empty_i,
                "instance": empty_i,
                "lifecycle": empty_i,
                "time": np.empty(0, dtype=float),
                "node": empty_i,
                "resource": empty_i,
            }
        ints = np.array([row[:4] + row[5:] for row in self.rows], dtype=np.int64)
        return {
            "case": ints[:, 0],
            "activity": ints[:, 1],
            "instance": ints[:, 2],
            "lifecycle": ints[:, 3],
            "time": np.fromiter((row[TIME] for row in self.rows), float, len(self.rows)),
            "node": ints[:, 4],
            "resource": ints[:, 5],
        }

    def case_name(self, case: int) -> str:
        """Exported case id, e.g. ``yangluo_import:container:000042``."""
        return f"{self.cases.process[case]}:{self.cases.object_type[case]}:{case:06d}"

    def records(self) -> Iterator[EventRecord]:
        """The rows as named :class:`EventRecord` objects (for export, not for metrics)."""
        for case, activity, instance, lifecycle, time, node, resource in self.rows:
            yield EventRecord(
                case_id=self.case_name(case),
                activity=self.activities[activity],
                instance_id=instance,
                lifecycle=LIFECYCLE_NAMES[lifecycle],
                time_min=time,
                node=self.nodes[node],
                resource="" if resource == NO_RESOURCE else self.resources[resource],
            )


class EventLogError(AssertionError):
    """The event log breaks an invariant of architecture rule 5 (docs/architecture.md)."""


def check_event_log(log: EventLog) -> None:
    """Raise :class:`EventLogError` unless the log is well formed.

    Checks: times never decrease in recording order; every instance runs schedule -> start ->
    complete at most once each, in that order, at non-decreasing times; a start has its schedule;
    a complete of a non-milestone activity has its start; milestones are single completes; an
    instance left open belongs to a case that had not finished when the run stopped; every case
    id and code points into its registry.
    """
    previous_time = 0.0
    state: dict[int, tuple[int, int, int, float]] = {}
    n_cases = len(log.cases)
    for i, (case, activity, instance, lifecycle, time, node, resource) in enumerate(log.rows):
        where = f"row {i} ({log.activities[activity] if activity < len(log.activities) else '?'})"
        if time < previous_time:
            raise EventLogError(f"{where}: time {time} before previous row's {previous_time}")
        previous_time = time
        if not 0 <= case < n_cases:
            raise EventLogError(f"{where}: unknown case {case}")
        if not 0 <= activity < len(log.activities):
            raise EventLogError(f"{where}: unknown activity code {activity}")
        if not 0 <= node < len(log.nodes):
            raise EventLogError(f"{where}: unknown node code {node}")
        if resource != NO_RESOURCE and not 0 <= resource < len(log.resources):
            raise EventLogError(f"{where}: unknown resource code {resource}")
        if activity in log.milestone_codes and lifecycle != Lifecycle.COMPLETE:
            raise EventLogError(f"{where}: a milestone is a single complete")
        seen = state.get(instance)
        if seen is None:
            if lifecycle == Lifecycle.START:
                raise EventLogError(f"{where}: start without schedule")
            if lifecycle == Lifecycle.COMPLETE and activity not in log.milestone_codes:
                raise EventLogError(f"{where}: complete without start")
            state[instance] = (case, activity, lifecycle, time)
            continue
        seen_case, seen_activity, last_lifecycle, last_time = seen
        if (seen_case, seen_activity) != (case, activity):
            raise EventLogError(f"{where}: instance {instance} reused by another case or activity")
        if lifecycle != last_lifecycle + 1:
            raise EventLogError(
                f"{where}: {LIFECYCLE_NAMES[lifecycle]} after {LIFECYCLE_NAMES[last_lifecycle]}"
            )
        if time < last_time:
            raise EventLogError(f"{where}: lifecycle times out of order")
        state[instance] = (case, activity, lifecycle, time)
    for instance, (case, activity, lifecycle, _) in state.items():
        if lifecycle != Lifecycle.COMPLETE and log.cases.finished[case]:
            raise EventLogError(
                f"instance {instance} of {log.activities[activity]} "
                f"left open in finished case {case}"
            )
