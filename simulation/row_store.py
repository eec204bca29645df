"""Where an event log keeps its rows: appended tuples, packed numpy column chunks, or disk.

Processes append row tuples; every few tens of thousands of activity instances they are packed
into one numpy chunk per column (23 bytes a row instead of about 200). A finished process
group's rows can be spilled to disk while the next group runs, and are read back a column at a
time when the logs are merged (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

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


class RowStore:
    """The rows of one log: recently appended tuples, and packed column chunks before them.

    Packed columns may be spilled to files (:meth:`spill`); :meth:`column` reads one back.
    """

    __slots__ = ("_packed", "_parts", "_spilled", "appended")

    def __init__(self) -> None:
        self.appended: list[EventRow] = []
        self._parts: dict[str, list[np.ndarray]] = {name: [] for name in COLUMNS}
        self._spilled: dict[str, Path] = {}
        self._packed = 0

    def __len__(self) -> int:
        return self._packed + len(self.appended)

    def pack(self) -> None:
        """Move the appended tuples into a column chunk (the list object itself is kept)."""
        if not self.appended:
            return
        block = np.fromiter(self.appended, dtype=ROW_DTYPE, count=len(self.appended))
        for name in COLUMNS:
            self._parts[name].append(block[name].copy())
        self._packed += len(self.appended)
        self.appended.clear()

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

    def settle(self, end: float) -> None:
        """Sort the rows by time (stably) and drop those after ``end``; no-op when in order."""
        time = self.column("time")
        late = time > end
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
