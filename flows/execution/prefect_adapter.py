"""Everything clearsim relies on in Prefect beyond its public API, in one module.

* :class:`EagerProcessPoolTaskRunner` reads ``ProcessPoolTaskRunner``'s ``_executor`` and
  ``_max_workers`` to start the pool's workers before the first task is ready;
* :func:`create_ephemeral_app` is the ASGI factory of the temporary API server that
  :mod:`clearsim.flows.execution.local_api` starts: Prefect's own server app, ephemeral (no UI,
  no background services) as Prefect makes it for its own temporary server.

``tests/test_prefect_adapter.py`` pins the behaviour both rely on, so a Prefect upgrade that
changes it fails there first.
"""

from __future__ import annotations

import multiprocessing
import signal
from typing import Any

from prefect.task_runners import ProcessPoolTaskRunner

from clearsim.flows.execution.worker_guard import guard_worker


def create_ephemeral_app() -> Any:
    """Prefect's API server app, as for its temporary server (uvicorn ``--factory`` target)."""
    # Only the server's process needs Prefect's server package (pool workers import this module).
    from prefect.server.api.server import create_app

    return create_app(ephemeral=True, final=True)


def _started() -> bool:
    """A no-op a pool worker runs once, so that it exists before the first batch is ready."""
    return True


def _start_worker() -> None:
    """In each pool worker: leave Ctrl-C to the parent and end with it if it is killed.

    The parent stops its workers itself on Ctrl-C; a killed parent cannot
    (:func:`~clearsim.flows.execution.worker_guard.guard_worker`).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    guard_worker()


class EagerProcessPoolTaskRunner(ProcessPoolTaskRunner):
    """Prefect's process-pool runner, whose workers start before the first task is ready.

    Spawned workers spend seconds importing Prefect. By default they start when the flow run
    starts, overlapping the flow's own start (opening the study); :meth:`start_early` starts
    them sooner still, while Prefect's API server comes up, and the flow run then uses this
    started runner instead of a fresh copy. The workers ignore SIGINT: on Ctrl-C the CLI records
    the interruption and terminates them.
    """

    def __init__(self, max_workers: int | None = None) -> None:
        super().__init__(max_workers=max_workers, initializer=_start_worker)
        self._early = False

    def start_early(self) -> EagerProcessPoolTaskRunner:
        """Start the pool and its workers now; the next flow run adopts this runner."""
        self.__enter__()
        self._early = True
        return self

    def __reduce__(self) -> tuple[type[EagerProcessPoolTaskRunner], tuple[int]]:
        # Prefect sends the flow (and so its runner) to the workers: send the configuration,
        # never the live pool, queue and threads of a started runner.
        return (EagerProcessPoolTaskRunner, (self._max_workers,))

    def duplicate(self) -> EagerProcessPoolTaskRunner:
        """This runner itself if it was started early (once), else a fresh copy."""
        if self._early:
            return self
        return EagerProcessPoolTaskRunner(max_workers=self._max_workers)

    def __enter__(self) -> EagerProcessPoolTaskRunner:
        if self._early:  # adopted by the flow run: already started
            self._early = False
            return self
        super().__enter__()
        # Only where the flow runs: a task's worker enters a copy of the runner too, and must
        # not start a pool of its own.
        if self._executor is not None and multiprocessing.parent_process() is None:
            for _ in range(self._max_workers):
                self._executor.submit(_started)
        return self
