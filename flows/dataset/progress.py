"""The dataset command's progress bar on stderr (drawn by the CLI, never by the engine)."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)


class StageProgress:
    """One bar per stage (simulate, tables, XES, OCEL); does nothing when disabled."""

    def __init__(self, enabled: bool) -> None:
        self._progress: Progress | None = None
        if enabled:
            self._progress = Progress(
                TextColumn("{task.description:<10}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
        self._task: Any = None

    def stage(self, name: str, total: int) -> None:
        """Start a new stage of ``total`` units."""
        if self._progress is not None:
            self._task = self._progress.add_task(name, total=max(total, 1))

    def advance(self, units: int = 1) -> None:
        """``units`` more done in the current stage."""
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, units)

    def __enter__(self) -> StageProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
