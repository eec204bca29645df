"""A progress bar that counts finished replications (drawn by the CLI, never by the engine)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class ReplicationProgress:
    """Counts finished replications; does nothing when disabled."""

    def __init__(self, total: int, enabled: bool) -> None:
        self._progress: Progress | None = None
        self._task: Any = None
        self._total = total
        self._enabled = enabled

    def start(self) -> None:
        """Start drawing (call once the worker processes exist)."""
        if not self._enabled or self._progress is not None:
            return
        self._progress = Progress(
            TextColumn("replications"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("replications", total=self._total)

    def advance(self, _summary: object = None) -> None:
        """One more replication finished."""
        if self._progress is not None:
            self._progress.advance(self._task)

    def update(self, done: int, total: int) -> None:
        """``done`` of ``total`` replications finished (the total may grow)."""
        if self._progress is None:
            self.start()
        if self._progress is not None:
            self._progress.update(self._task, completed=done, total=total)

    def stop(self) -> None:
        """Stop drawing."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


@contextmanager
def replication_progress(total: int, enabled: bool) -> Iterator[ReplicationProgress]:
    """A :class:`ReplicationProgress` that is always stopped on exit."""
    bar = ReplicationProgress(total, enabled)
    try:
        yield bar
    finally:
        bar.stop()
