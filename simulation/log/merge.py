"""Merge the event logs of independently simulated process groups into one replication log."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from clearsim.simulation.log.heap import release_free_memory
from clearsim.simulation.log.recorder import CaseTable, EventLog
from clearsim.simulation.log.row_store import COLUMNS, ROW_DTYPE


def merge_logs(logs: Sequence[EventLog]) -> EventLog:
    """One log with every group's cases, rows in time order, activity codes re-registered.

    Case and activity-instance ids are offset group by group (the first group keeps its own);
    rows of equal time keep their group's recording order, groups in the order given (the order
    a stable sort of the groups' rows by time gives). Node and resource codes are shared, since
    every group's log registers the scenario's full lists. The group logs are consumed: each
    group's rows are merged into the rows before it column by column, and released as they are.
    """
    if len(logs) == 1:
        return logs[0]
    first = logs[0]
    merged = EventLog(nodes=first.nodes, resources=first.resources)
    rows: Columns | None = None
    case_offset = instance_offset = 0
    for log in logs:
        if (log.nodes, log.resources) != (merged.nodes, merged.resources):
            raise ValueError("group logs must share the scenario's node and resource lists")
        codes = np.array(
            [
                merged.activity(name, milestone=code in log.milestone_codes)
                for code, name in enumerate(log.activities)
            ],
            dtype=ROW_DTYPE["activity"],
        )
        for process, outcome in log.process_outcomes:
            merged.outcome(process, outcome)
        for direction, mode in log.flows:
            merged.declare_flow(direction, mode)
        group = GroupColumns(log, codes, case_offset, instance_offset)
        rows = group if rows is None else _merge_sorted(rows, group)
        _append_cases(merged.cases, log.cases)
        merged.links.extend((a + case_offset, b + case_offset, q) for a, b, q in log.links)
        merged.capacity_rows.extend(log.capacity_rows)
        case_offset += len(log.cases)
        instance_offset += log.instance_count
    assert isinstance(rows, dict)  # two logs or more were merged
    for log in logs:
        log.release_rows()  # every column was taken; reset the counts
    merged.set_columns(rows)
    merged.capacity_rows.sort(key=lambda row: row[0])
    merged.reserve_instances(instance_offset)
    return merged


class GroupColumns:
    """A group log's columns as the merged log numbers them, taken out of the log one by one.

    ``pop(name)`` reads the column (from disk if the log was spilled), re-codes it and drops it
    from the group log, so a group is never held twice; ``["time"]`` reads the time column once.
    """

    def __init__(
        self, log: EventLog, codes: np.ndarray, case_offset: int, instance_offset: int
    ) -> None:
        self._log = log
        self._codes = codes
        self._offsets = {"case": case_offset, "instance": instance_offset}
        self._time: np.ndarray | None = None

    def __getitem__(self, name: str) -> np.ndarray:
        if name != "time":
            raise KeyError(name)
        if self._time is None:
            self._time = self._log.take_column("time")
        return self._time

    def pop(self, name: str) -> np.ndarray:
        """The column ``name``, re-coded for the merged log; the group log lets go of it."""
        if name == "time":
            column, self._time = self["time"], None
            return column
        column = self._log.take_column(name)
        # The column's packed chunks, now joined, were freed to the C heap: hand them back
        # before the next column is read.
        release_free_memory()
        if name == "activity":
            recoded: np.ndarray = self._codes[column]
            return recoded
        return _offset(column, self._offsets.get(name, 0))


Columns = dict[str, np.ndarray] | GroupColumns


def _offset(column: np.ndarray, offset: int) -> np.ndarray:
    if not offset or not column.size:
        return column
    if int(column.max()) + offset > np.iinfo(column.dtype).max:
        raise OverflowError(f"event-log ids beyond {column.dtype} after merging groups")
    shifted: np.ndarray = column + column.dtype.type(offset)
    return shifted


def _merge_sorted(before: Columns, after: Columns) -> dict[str, np.ndarray]:
    """Rows of two time-ordered logs in time order, ``before``'s first at equal times.

    Each of ``after``'s rows goes after the rows of ``before`` at or before its time: no sort,
    and one column at a time, each input column read when it is copied and dropped then.
    """
    n_before, n_after = before["time"].size, after["time"].size
    into = np.searchsorted(before["time"], after["time"], side="right")
    into += np.arange(n_after, dtype=into.dtype)
    from_after = np.zeros(n_before + n_after, dtype=bool)
    from_after[into] = True
    del into  # two masks of a byte a row hold less than 8-byte positions
    from_before = ~from_after
    merged = {}
    for name in COLUMNS:
        column = np.empty(n_before + n_after, dtype=ROW_DTYPE[name])
        column[from_before] = before.pop(name)
        column[from_after] = after.pop(name)  # in order: the positions increase
        merged[name] = column
    return merged


def _append_cases(into: CaseTable, cases: CaseTable) -> None:
    for name in CaseTable.__dataclass_fields__:
        getattr(into, name).extend(getattr(cases, name))
