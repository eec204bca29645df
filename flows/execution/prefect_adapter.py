"""Everything clearsim relies on in Prefect beyond its public API, in one module.

* :class:`EagerProcessPoolTaskRunner` reads ``ProcessPoolTaskRunner``'s ``_executor`` and
  ``_max_workers`` to start the pool's workers before the first task is ready;
* inside a pool worker, the runner's copy that Prefect enters around a task starts as the base
  ``TaskRunner`` only (no pool of its own);
* :meth:`EagerProcessPoolTaskRunner.stop_workers` reads the stdlib executor's ``_processes``
  to terminate the workers when a study stops;
* :func:`create_ephemeral_app` is the ASGI factory of the temporary API server that
  :mod:`clearsim.flows.execution.local_api` starts: Prefect's own server app, ephemeral (no UI,
  no background services) as Prefect makes it for its own temporary server.

``tests/test_prefect_adapter.py`` pins the behaviour both rely on, so a Prefect upgrade that
changes it fails there first.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

from clearsim.flows.execution.worker_guard import guard_worker


def create_ephemeral_app() -> Any:
    """Prefect's API server app, as for its temporary server (uvicorn ``--factory`` target)."""
    # Only the server's process needs Prefect's server package (pool workers import this module).
    from prefect.server.api.server import create_app

    return create_app(ephemeral=True, final=True)


_pool_workers: set[int] = set()
"""In a worker of an :class:`EagerProcessPoolTaskRunner`'s pool: that worker's process id."""


def _started() -> bool:
    """A no-op a pool worker runs once, so that it exists before the first batch is ready."""
    return True


def _start_worker() -> None:
    """In each pool worker: leave Ctrl-C to the parent and end with it if it is killed.

    The parent stops its workers itself on Ctrl-C; a killed parent cannot
    (:func:`~clearsim.flows.execution.worker_guard.guard_worker`).
    """
    _pool_workers.add(os.getpid())
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

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        """Shut the pool down; after an exception (Ctrl-C included), stop the workers first.

        Prefect's runner waits for the batches still running, which may take minutes; their
        results would be discarded anyway, and every finished batch is already stored.
        """
        if exc_type is not None:
            self.stop_workers()
        super().__exit__(exc_type, exc_value, traceback)

    def stop_workers(self) -> None:
        """Terminate the pool's worker processes (the executor then fails what they ran)."""
        # ``_processes``: the stdlib executor's worker processes by pid (None once shut down).
        pool = getattr(self._executor, "_processes", None) or {}
        workers = list(pool.values())
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(timeout=5)

    def __enter__(self) -> EagerProcessPoolTaskRunner:
        if self._early:  # adopted by the flow run: already started
            self._early = False
            return self
        if os.getpid() in _pool_workers:
            # A task's worker enters a copy of the flow's runner around the task; it must not
            # make a pool (queues and semaphores) of its own, which a stopped worker would leak.
            TaskRunner.__enter__(self)
            return self
        super().__enter__()
        if self._executor is not None:
            for _ in range(self._max_workers):
                self._executor.submit(_started)
        return self
