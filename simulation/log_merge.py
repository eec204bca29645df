"""Merge the event logs of independently simulated process groups into one replication log."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulation.recorder import COLUMNS, CaseTable, EventLog


def merge_logs(logs: Sequence[EventLog]) -> EventLog:
    """One log with every group's cases, rows in time order, activity codes re-registered.

    Case and activity-instance ids are offset group by group (the first group keeps its own);
    rows of equal time keep their group's recording order, groups in the order given (a stable
    sort of the concatenated groups by time). Node and resource codes are shared, since every
    group's log registers the scenario's full lists. The group logs are consumed: their rows are
    released once copied, to bound memory.
    """
    if len(logs) == 1:
        return logs[0]
    first = logs[0]
    merged = EventLog(nodes=first.nodes, resources=first.resources)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in COLUMNS}
    case_offset = instance_offset = 0
    for log in logs:
        if (log.nodes, log.resources) != (merged.nodes, merged.resources):
            raise ValueError("group logs must share the scenario's node and resource lists")
        codes = np.array(
            [
                merged.activity(name, milestone=code in log.milestone_codes)
                for code, name in enumerate(log.activities)
            ],
            dtype=np.int64,
        )
        for process, outcome in log.process_outcomes:
            merged.outcome(process, outcome)
        for direction, mode in log.flows:
            merged.declare_flow(direction, mode)
        cols = log.columns()
        offsets = {"case": case_offset, "instance": instance_offset}
        for name in COLUMNS:
            column = cols[name]
            if name == "activity":
                column = codes[column]
            elif name in offsets:
                column = column.astype(np.int64) + offsets[name]
            parts[name].append(column)
        log.release_rows()
        _append_cases(merged.cases, log.cases)
        merged.capacity_rows.extend(log.capacity_rows)
        case_offset += len(log.cases)
        instance_offset += log.instance_count
    times = np.concatenate(parts["time"])
    order = np.argsort(times, kind="stable")
    merged_columns = {"time": times[order]}
    del times
    for name in COLUMNS:
        if name != "time":
            merged_columns[name] = np.concatenate(parts[name])[order]
        parts[name].clear()
    merged.set_columns(merged_columns)
    merged.capacity_rows.sort(key=lambda row: row[0])
    merged.reserve_instances(instance_offset)
    return merged


def _append_cases(into: CaseTable, cases: CaseTable) -> None:
    for name in CaseTable.__dataclass_fields__:
        getattr(into, name).extend(getattr(cases, name))
