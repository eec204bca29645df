"""The event log: what processes record, and the invariant every simulated log satisfies.

Rows are tuples ``(case, activity, instance, lifecycle, time_min, node, resource)`` of integer
codes and a time, appended through :attr:`EventLog.emit`; names are kept once in the log's
registries and mapped back at export. A row's time is the clock's, ahead of it (a planned run,
:mod:`clearsim.simulation.fastpath.chains`) or before it (an advance lodgement before the run's
start, at a negative time): :meth:`EventLog.settle` sorts the rows by time when the run ends.
Appended rows are packed every few tens of thousands of events into numpy column chunks of 23
bytes a row (a tuple row costs about 200), so a replication of millions of events keeps its log
in memory (docs/performance.md). Case attributes live beside the rows in :class:`CaseTable`, and
shift capacity changes in ``capacity_rows``: metrics are pure functions of these three.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from clearsim.models.records import EventRecord
from clearsim.models.vocabulary import LIFECYCLE_NAMES, MILESTONES, Channel, Lifecycle
from clearsim.simulation.log.declared_goods import GoodsColumns
from clearsim.simulation.log.row_store import EventRow, Rows, RowStore, RowTemplate

NO_RESOURCE = -1
CASE, ACTIVITY, INSTANCE, LIFECYCLE, TIME, NODE, RESOURCE = range(7)


@dataclass(slots=True)
class CaseTable:
    """Per-case attributes, indexed by case id (ids are counters from zero).

    ``shipment`` cases are measured by the TRS (containers, parcels, orders); carriers such as
    vessels, flights and trains are not. ``case_class`` is the trader or priority class: ``aeo`` or
    ``general`` for declarations, the class name for station-flow customers. ``direct_path`` marks a
    case enrolled in a direct-path pilot (ship-side pickup, direct loading, apron pickup or loading,
    airside transfer). ``goods`` holds what a 1210 order or a 9610 parcel declares, or the value
    of a 9710, 9810 or 1039 export consignment (None for other cases,
    :mod:`clearsim.simulation.log.declared_goods`); metrics never read it, the dataset export does.
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
    goods: GoodsColumns = field(default_factory=GoodsColumns)

    def __len__(self) -> int:
        return len(self.object_type)


class EventLog:
    """The event log of one replication: rows, case table, capacity rows and registries."""

    __slots__ = (
        "_activity_codes",
        "_store",
        "activities",
        "capacity_rows",
        "cases",
        "emit",
        "flows",
        "links",
        "milestone_codes",
        "new_instance",
        "nodes",
        "process_outcomes",
        "resources",
    )

    emit: Callable[[EventRow], None]
    """Append one row (processes bind it once: ``emit = log.emit``); the hot path of the log."""
    new_instance: Callable[[], int]
    """A fresh activity-instance id (now and then packing the rows appended so far)."""

    def __init__(self, nodes: tuple[str, ...], resources: tuple[str, ...]) -> None:
        self.nodes = nodes
        self.resources = resources
        self.activities: list[str] = []
        self._activity_codes: dict[str, int] = {}
        self.milestone_codes: set[int] = set()
        self.process_outcomes: list[tuple[str, str]] = []
        self.flows: list[tuple[str, str]] = []
        self._store = RowStore()
        self.emit = self._store.appended.append
        self.new_instance = self._store.new_instance
        self.capacity_rows: list[tuple[float, int, int]] = []
        self.cases = CaseTable()
        self.links: list[tuple[int, int, str]] = []
        for name in MILESTONES:
            self.activity(name, milestone=True)

    @property
    def rows(self) -> Rows:
        """The rows as tuples, in recording order (a read-only view; assign a list to replace)."""
        return Rows(self._store)

    @rows.setter
    def rows(self, rows: Iterable[EventRow]) -> None:
        self._store.replace(list(rows))

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

    def link(self, source: int, target: int, qualifier: str) -> None:
        """Relate case ``source`` to case ``target`` (an object-to-object relationship).

        For instance a parcel ``carried_by`` its flight, an order ``shipped_in`` its parcel. The
        dataset exports them as OCEL 2.0 object relationships; metrics never read them.
        """
        self.links.append((source, target, qualifier))

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

    def new_cases(
        self,
        object_type: str,
        process: str,
        case_classes: Sequence[str],
        *,
        direction: str = "import",
        mode: str = "sea",
        advance_declared: Sequence[bool] = (),
        destinations: Sequence[str] = (),
    ) -> range:
        """Register one shipment case per entry of ``case_classes`` at once; return their ids.

        The same as :meth:`new_case` called for each in turn; ``advance_declared`` and
        ``destinations``, when given, hold one entry per case, other attributes their defaults.
        """
        cases = self.cases
        first, n = len(cases), len(case_classes)
        cases.object_type.extend([object_type] * n)
        cases.process.extend([process] * n)
        cases.shipment.extend([True] * n)
        cases.direction.extend([direction] * n)
        cases.mode.extend([mode] * n)
        cases.channel.extend([int(Channel.NONE)] * n)
        cases.case_class.extend(case_classes)
        if len(advance_declared) not in (0, n) or len(destinations) not in (0, n):
            raise ValueError("one advance_declared and one destination per case, or none")
        for flags in (cases.aeo, cases.two_step, cases.direct_path):
            flags.extend([False] * n)
        cases.advance_declared.extend(advance_declared or [False] * n)
        cases.destination.extend(destinations or [""] * n)
        cases.finished.extend([False] * n)
        cases.goods.extend_none(n)
        return range(first, first + n)

    @property
    def instance_count(self) -> int:
        """How many activity-instance ids have been handed out (planned runs' included)."""
        self._store.pack()  # a planned run takes its ids when it is expanded
        return self._store.instances

    def reserve_instances(self, count: int) -> None:
        """Hand out ids after ``count`` from now on (ids below it are taken by merged rows)."""
        self._store.instances = max(self._store.instances, count)

    def plan_template(self, template: RowTemplate) -> tuple[int, list[tuple[float, ...]]]:
        """Register the template of a planned run (:mod:`clearsim.simulation.fastpath.chains`).

        Returns its code, which a placeholder row carries as its activity, and the list the
        times of each planned run go to, in the order of the placeholders.
        """
        return self._store.register(template), template.pending

    def pack(self) -> None:
        """Pack the rows appended so far (and expand the planned runs among them)."""
        self._store.pack()

    def columns(self) -> dict[str, np.ndarray]:
        """The rows as numpy columns (case, activity, instance, lifecycle, time, node, resource).

        Dtypes are those of :data:`ROW_DTYPE`. The arrays are the log's own storage: read them,
        do not write to them.
        """
        return self._store.columns()

    def column(self, name: str) -> np.ndarray:
        """One of :meth:`columns`, joined alone (the others stay in their chunks)."""
        return self._store.column(name)

    def set_columns(self, columns: dict[str, np.ndarray]) -> None:
        """Replace every row by these columns (e.g. a merged log's), packed as they are."""
        self._store.set_columns(columns)

    def settle(self, end_min: float, *, stopped: bool = False) -> None:
        """Put rows recorded off the clock's time in place when the run ends at ``end_min``.

        Rows end up in time order (negative times first), rows of equal time in recording order,
        and rows planned for after the end are dropped (:mod:`clearsim.simulation.fastpath.chains`).
        A run ``stopped`` at its time limit records nothing at the instant it stops (SimPy processes
        there only what was scheduled before the stop, which a planned row cannot tell); a run
        that ends because its last measured case finished keeps that instant. Capacity rows are
        sorted by (time, resource, change) and kept strictly before the end, where a shift change
        bounds no time.
        """
        self._store.settle(end_min, at_end=not stopped)
        self.capacity_rows = sorted(row for row in self.capacity_rows if row[0] < end_min)

    def take_column(self, name: str) -> np.ndarray:
        """One of :meth:`columns`, removed from the log (merging consumes group logs)."""
        return self._store.take(name)

    def spill(self, directory: Path) -> None:
        """Keep the rows in files in ``directory`` until they are next read (a finished log)."""
        self._store.spill(directory)

    def release_rows(self) -> None:
        """Drop every row (a group log once merged), keeping the registries and case table."""
        self._store.clear()

    def case_name(self, case: int) -> str:
        """Exported case id, e.g. ``yangluo_import:container:000042``."""
        return f"{self.cases.process[case]}:{self.cases.object_type[case]}:{case:06d}"

    def records(self) -> Iterator[EventRecord]:
        """The rows as named :class:`EventRecord` objects (for export, not for metrics)."""
        for case, activity, instance, lifecycle, time, node, resource in self._store:
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

    Checks: times (negative ones too) never decrease in recording order; every instance runs
    schedule -> start -> complete at most once each, in that order, at non-decreasing times; a
    start has its schedule; a complete of a non-milestone activity has its start; milestones are
    single completes; an instance left open belongs to a case that had not finished when the run
    stopped; every case id and code points into its registry.
    """
    previous_time = float("-inf")
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
