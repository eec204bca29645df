"""Merge the event logs of independently simulated process groups into one replication log."""

from __future__ import annotations

import heapq
from collections.abc import Sequence

from simulation.recorder import TIME, CaseTable, EventLog, EventRow


def merge_logs(logs: Sequence[EventLog]) -> EventLog:
    """One log with every group's cases, rows in time order, activity codes re-registered.

    Case and activity-instance ids are offset group by group (the first group keeps its own);
    rows of equal time keep their group's recording order, groups in the order given. Node and
    resource codes are shared, since every group's log registers the scenario's full lists.
    The group logs are consumed: their rows are released as they are copied, to bound memory.
    """
    if len(logs) == 1:
        return logs[0]
    first = logs[0]
    merged = EventLog(nodes=first.nodes, resources=first.resources)
    streams = []
    case_offset = instance_offset = 0
    for log in logs:
        if (log.nodes, log.resources) != (merged.nodes, merged.resources):
            raise ValueError("group logs must share the scenario's node and resource lists")
        codes = [
            merged.activity(name, milestone=code in log.milestone_codes)
            for code, name in enumerate(log.activities)
        ]
        for process, outcome in log.process_outcomes:
            merged.outcome(process, outcome)
        for direction, mode in log.flows:
            merged.declare_flow(direction, mode)
        streams.append(
            [
                (
                    case + case_offset,
                    codes[activity],
                    instance + instance_offset,
                    lifecycle,
                    time,
                    node,
                    resource,
                )
                for case, activity, instance, lifecycle, time, node, resource in log.rows
            ]
        )
        log.rows = []
        _append_cases(merged.cases, log.cases)
        merged.capacity_rows.extend(log.capacity_rows)
        case_offset += len(log.cases)
        instance_offset += log.instance_count
    merged.rows = list(heapq.merge(*streams, key=_time))
    merged.capacity_rows.sort(key=lambda row: row[0])
    merged.reserve_instances(instance_offset)
    return merged


def _time(row: EventRow) -> float:
    return row[TIME]


def _append_cases(into: CaseTable, cases: CaseTable) -> None:
    for name in CaseTable.__dataclass_fields__:
        getattr(into, name).extend(getattr(cases, name))
