"""The event log of a replication as compact numpy columns, and per-case facts read from them.

The engine packs its log into typed columns (``clearsim.simulation.log.row_store.ROW_DTYPE``, 23
bytes an event); the digest reads those columns as they are, without a copy (the tables widen ids to
64 bits chunk by chunk, as they write them). Every table of a dataset is derived from these columns
and the case table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from clearsim.models.vocabulary import MILESTONES, Lifecycle
from clearsim.simulation.log.recorder import CaseTable, EventLog


@dataclass(frozen=True)
class InstanceTimes:
    """Executions of some activities: one entry per activity instance, ordered by instance id."""

    case: np.ndarray
    activity: np.ndarray
    instance: np.ndarray
    resource: np.ndarray
    node: np.ndarray
    schedule_min: np.ndarray
    start_min: np.ndarray
    complete_min: np.ndarray


class LogDigest:
    """Typed columns of one event log, in recording (time) order, with its registries."""

    def __init__(self, log: EventLog) -> None:
        self.activities: tuple[str, ...] = tuple(log.activities)
        self.nodes: tuple[str, ...] = log.nodes
        self.resources: tuple[str, ...] = log.resources
        self.cases: CaseTable = log.cases
        self.links: tuple[tuple[int, int, str], ...] = tuple(log.links)
        # The log's own packed columns (simulation.log.row_store.ROW_DTYPE), read, never written.
        columns = log.columns()
        self.case = columns["case"]
        self.activity = columns["activity"]
        self.instance = columns["instance"]
        self.lifecycle = columns["lifecycle"]
        self.time_min = columns["time"]
        self.node = columns["node"]
        self.resource = columns["resource"]

    @property
    def n_events(self) -> int:
        """Number of events (rows) of the log."""
        return len(self.case)

    @property
    def n_cases(self) -> int:
        """Number of cases of the log."""
        return len(self.cases)

    def code(self, activity: str) -> int:
        """Code of ``activity``, or -1 when no process of the run registered it."""
        try:
            return self.activities.index(activity)
        except ValueError:
            return -1

    def milestone_table(self) -> np.ndarray:
        """``(n_cases, len(MILESTONES))`` milestone times in minutes, NaN where not reached."""
        table = np.full((self.n_cases, len(MILESTONES)), np.nan)
        for column, name in enumerate(MILESTONES):
            mask = self.activity == self.code(name)
            table[self.case[mask], column] = self.time_min[mask]
        return table

    def recorded(self, activity: str) -> np.ndarray:
        """Per-case flag: the case recorded ``activity`` at least once."""
        flags = np.zeros(self.n_cases, dtype=bool)
        code = self.code(activity)
        if code >= 0:
            flags[self.case[self.activity == code]] = True
        return flags

    def first_complete(self, activity: str) -> np.ndarray:
        """Per-case time of the first ``complete`` of ``activity`` (NaN if none)."""
        times = np.full(self.n_cases, np.nan)
        code = self.code(activity)
        if code < 0:
            return times
        mask = (self.activity == code) & (self.lifecycle == Lifecycle.COMPLETE)
        cases, times_of = self.case[mask][::-1], self.time_min[mask][::-1]
        times[cases] = times_of  # reversed: the first complete is written last
        return times

    def instances(self, activities: tuple[str, ...]) -> InstanceTimes:
        """Every execution of ``activities``: schedule, start and complete times per instance."""
        codes = [c for c in (self.code(a) for a in activities) if c >= 0]
        rows = np.flatnonzero(np.isin(self.activity, codes))
        instance = self.instance[rows]
        ids, first = np.unique(instance, return_index=True)
        times = np.full((len(ids), 3), np.nan)
        times[np.searchsorted(ids, instance), self.lifecycle[rows]] = self.time_min[rows]
        head = rows[first]
        return InstanceTimes(
            case=self.case[head],
            activity=self.activity[head],
            instance=ids,
            resource=self.resource[head],
            node=self.node[head],
            schedule_min=times[:, Lifecycle.SCHEDULE],
            start_min=times[:, Lifecycle.START],
            complete_min=times[:, Lifecycle.COMPLETE],
        )

    def case_blocks(self, cases_per_block: int) -> Iterator[tuple[int, np.ndarray]]:
        """Row indices grouped by case, ``cases_per_block`` cases at a time (for XES traces).

        Yields ``(first case, rows)``, each case's rows in recording order. One pass over the
        case column per block keeps memory to a block's rows, not an index of the whole log.
        """
        for first in range(0, self.n_cases, cases_per_block):
            in_block = (self.case >= first) & (self.case < first + cases_per_block)
            rows = np.flatnonzero(in_block)
            del in_block
            yield first, rows[np.argsort(self.case[rows], kind="stable")]


def digest_log(log: EventLog) -> LogDigest:
    """Move ``log``'s rows into a :class:`LogDigest`; the log's row list is emptied."""
    return LogDigest(log)
