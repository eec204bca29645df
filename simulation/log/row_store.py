"""Where an event log keeps its rows: appended tuples, packed numpy column chunks, or disk.

Processes append row tuples; every few tens of thousands of activity instances they are packed into
one numpy chunk per column (23 bytes a row instead of about 200). A planned run of a case's
activities (:mod:`clearsim.simulation.fastpath.chains`) is appended as one placeholder row
(lifecycle :data:`PLANNED`) beside the times its template keeps; packing expands it, in its place,
into the rows of the run. A finished process group's rows can be spilled to disk while the next
group runs, and are read back a column at a time when the logs are merged (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

import numpy as np

EventRow = tuple[int, int, int, int, float, int, int]
ROW_DTYPE = np.dtype(
    [
        ("case", np.int32),
        ("activity", np.int16),
        ("instance", np.int32),
        ("lifecycle", np.int8),
        ("time", np.float64),
        ("node", np.int16),
        ("resource", np.int16),
    ]
)
"""Packed row layout: ids below 2**31, codes below 2**15 (packing raises beyond them)."""
COLUMNS: tuple[str, ...] = tuple(ROW_DTYPE.names or ())
PACK_EVERY_INSTANCES = 1 << 15
"""Appended rows are packed each time this many more activity instances have been handed out."""
PLANNED = 3
"""Lifecycle of a placeholder row: a planned run, whose ``activity`` is its template's code."""


@dataclass(slots=True, eq=False)
class RowTemplate:
    """The rows one planned run expands into, one entry per row, and the runs not yet packed.

    Row ``r`` of a run is activity ``activity[r]``, lifecycle ``lifecycle[r]`` at node
    ``node[r]`` with resource ``resource[r]``, at the run's time ``time_index[r]``, and belongs
    to the run's ``instance_index[r]``-th of its ``instances`` activity instances. ``pending``
    holds the ``times`` times of each run appended since the last pack (for a chain: its start,
    then the end of each step that takes time), in the order of their placeholders.
    """

    activity: np.ndarray
    lifecycle: np.ndarray
    node: np.ndarray
    resource: np.ndarray
    time_index: np.ndarray
    instance_index: np.ndarray
    instances: int
    times: int
    pending: list[tuple[float, ...]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows of one run."""
        return len(self.activity)


class RowStore:
    """The rows of one log: recently appended tuples, and packed column chunks before them.

    Packed columns may be spilled to files (:meth:`spill`); :meth:`column` reads one back.
    """

    __slots__ = (
        "_packed",
        "_parts",
        "_spilled",
        "_unpacked_instances",
        "appended",
        "instances",
        "templates",
    )

    def __init__(self) -> None:
        self.appended: list[EventRow] = []
        self._parts: dict[str, list[np.ndarray]] = {name: [] for name in COLUMNS}
        self._spilled: dict[str, Path] = {}
        self._packed = 0
        self.instances = 0
        """Activity-instance ids handed out so far (ids run from 1)."""
        self._unpacked_instances = 0
        self.templates: list[RowTemplate] = []
        """Templates of planned runs, by code (the placeholder's ``activity``)."""

    def __len__(self) -> int:
        self.pack()  # a placeholder is not yet its rows
        return self._packed

    def new_instance(self) -> int:
        """A fresh activity-instance id, packing the appended rows now and then."""
        instance = self.instances = self.instances + 1
        self._unpacked_instances += 1
        if self._unpacked_instances >= PACK_EVERY_INSTANCES:
            self.pack()  # planned runs take their ids after this one
        return instance

    def register(self, template: RowTemplate) -> int:
        """Register a template of planned runs; return its code for the placeholders."""
        if len(self.templates) > np.iinfo(ROW_DTYPE["activity"]).max:
            raise OverflowError("too many templates of planned runs")
        self.templates.append(template)
        return len(self.templates) - 1

    def pack(self) -> None:
        """Move the appended tuples into a column chunk (the list object itself is kept)."""
        self._unpacked_instances = 0
        if not self.appended:
            return
        block = np.fromiter(self.appended, dtype=ROW_DTYPE, count=len(self.appended))
        self.appended.clear()
        columns = self._expand(block) if self.templates else None
        if columns is None:
            columns = {name: block[name].copy() for name in COLUMNS}
        for name in COLUMNS:
            self._parts[name].append(columns[name])
        self._packed += len(columns["time"])

    def _expand(self, block: np.ndarray) -> dict[str, np.ndarray] | None:
        """``block``'s columns with each placeholder replaced, in its place, by its run's rows.

        None when the block holds no placeholder.
        """
        planned = block["lifecycle"] == PLANNED
        if not planned.any():
            for template in self.templates:
                template.pending.clear()
            return None
        codes = block["activity"][planned]
        rows_per_code = np.array([t.rows for t in self.templates], dtype=np.int64)
        sizes = np.ones(len(block), dtype=np.int64)
        sizes[planned] = rows_per_code[codes]
        firsts = np.cumsum(sizes) - sizes  # where each row, or each run's rows, begin
        size = int(firsts[-1] + sizes[-1])
        live, at = ~planned, firsts[~planned]
        out = {name: np.empty(size, dtype=ROW_DTYPE[name]) for name in COLUMNS}
        for name in COLUMNS:
            out[name][at] = block[name][live]
        firsts, cases = firsts[planned], block["case"][planned]
        del block, sizes, planned, live, at
        for code in np.unique(codes).tolist():
            template = self.templates[code]
            mine = codes == code
            runs = int(np.count_nonzero(mine))
            if len(template.pending) != runs:
                raise RuntimeError("planned runs and their placeholders disagree")
            times = np.array(template.pending, dtype=np.float64)
            template.pending.clear()
            if times.shape != (runs, template.times):
                raise ValueError(f"a planned run needs {template.times} times, got {times.shape}")
            at = firsts[mine][:, None] + np.arange(template.rows)  # each run's rows, in order
            out["case"][at] = cases[mine][:, None]
            out["activity"][at] = template.activity
            out["lifecycle"][at] = template.lifecycle
            out["node"][at] = template.node
            out["resource"][at] = template.resource
            out["time"][at] = times[:, template.time_index]
            ids = self.instances + 1 + np.arange(runs * template.instances).reshape(runs, -1)
            out["instance"][at] = ids[:, template.instance_index]
            self.instances += runs * template.instances
        if self.instances > np.iinfo(ROW_DTYPE["instance"]).max:
            raise OverflowError("more activity instances than the event log's ids can hold")
        return out

    def columns(self) -> dict[str, np.ndarray]:
        """Every row as one contiguous array per column (chunks are joined once, in place)."""
        return {name: self.column(name) for name in COLUMNS}

    def column(self, name: str) -> np.ndarray:
        """Every row's value of column ``name`` as one array (its chunks joined, in place)."""
        self.pack()
        parts = self._parts[name]
        path = self._spilled.pop(name, None)
        if path is not None:
            parts.insert(0, np.load(path))
            path.unlink()
        if len(parts) != 1:
            joined = np.concatenate(parts) if parts else np.empty(0, ROW_DTYPE[name])
            parts[:] = [joined]
        return parts[0]

    def take(self, name: str) -> np.ndarray:
        """Column ``name`` (see :meth:`column`), which the store then lets go of."""
        column = self.column(name)
        self._parts[name].clear()
        return column

    def replace(self, rows: Iterable[EventRow]) -> None:
        """Drop every row and hold ``rows`` instead."""
        self.clear()
        self.appended.extend(rows)

    def set_columns(self, columns: dict[str, np.ndarray]) -> None:
        """Drop every row and hold these packed columns instead (equal lengths)."""
        self.clear()
        for name in COLUMNS:
            self._parts[name].append(_packed_column(columns[name], ROW_DTYPE[name]))
        self._packed = len(columns[COLUMNS[0]])

    def settle(self, end: float, *, at_end: bool = True) -> None:
        """Sort the rows by time (stably) and drop those after ``end``; no-op when in order.

        Rows at ``end`` itself are kept if ``at_end``, dropped otherwise.
        """
        time = self.column("time")
        late = time > end if at_end else time >= end
        if not late.any() and not (time[1:] < time[:-1]).any():
            return
        keep = np.flatnonzero(~late) if late.any() else None
        order = np.argsort(time if keep is None else time[keep], kind="stable")
        if keep is not None:
            order = keep[order]
        del time, late, keep
        for name in COLUMNS:  # one column copied at a time
            self._parts[name][:] = [self.column(name)[order]]
        self._packed = len(order)

    def spill(self, directory: Path) -> None:
        """Move every column to a file in ``directory``; :meth:`column` reads it back."""
        self.pack()
        for name in COLUMNS:
            if name in self._spilled:
                continue
            path = directory / f"{id(self):x}-{name}.npy"
            np.save(path, self.column(name))
            self._parts[name].clear()
            self._spilled[name] = path

    def clear(self) -> None:
        """Drop every row, releasing its memory."""
        self.appended.clear()
        for template in self.templates:
            template.pending.clear()
        for parts in self._parts.values():
            parts.clear()
        for path in self._spilled.values():
            path.unlink(missing_ok=True)
        self._spilled.clear()
        self._packed = 0

    def __iter__(self) -> Iterator[EventRow]:
        self.pack()
        if self._spilled or len({len(self._parts[name]) for name in COLUMNS}) > 1:
            self.columns()  # read back, or join the columns that were not joined alone
        for chunk in range(len(self._parts[COLUMNS[0]])):
            yield from zip(*(self._parts[name][chunk].tolist() for name in COLUMNS), strict=True)


def _packed_column(column: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """``column`` in its packed dtype, refusing values the dtype cannot hold."""
    if dtype.kind == "i" and column.size:
        info = np.iinfo(dtype)
        if column.min() < info.min or column.max() > info.max:
            raise OverflowError(f"event-log values outside {dtype} (at most {info.max})")
    return np.ascontiguousarray(column, dtype=dtype)


class Rows(Sequence[EventRow]):
    """Read-only view of a log's rows as tuples, in recording order.

    For large logs prefer :meth:`EventLog.columns` (numpy) or iteration; indexing packs the
    appended rows first and reads one row from the columns.
    """

    __slots__ = ("_store",)

    def __init__(self, store: RowStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    def __iter__(self) -> Iterator[EventRow]:
        return iter(self._store)

    @overload
    def __getitem__(self, index: int) -> EventRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[EventRow]: ...
    def __getitem__(self, index: int | slice) -> EventRow | list[EventRow]:
        if isinstance(index, slice):
            return list(self)[index]
        cols = self._store.columns()
        i = range(len(self))[index]
        case, activity, instance, lifecycle, time, node, resource = (
            cols[name][i].item() for name in COLUMNS
        )
        return (case, activity, instance, lifecycle, time, node, resource)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            mine, theirs = self._store.columns(), other._store.columns()
            return all(np.array_equal(mine[name], theirs[name]) for name in COLUMNS)
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Rows({len(self)} rows)"
