"""What clearsim relies on in Prefect beyond its public API (`flows/execution/prefect_adapter.py`).

Each test pins one behaviour of Prefect's internals the adapter uses; a Prefect upgrade that
changes one fails here, naming it.
"""

from __future__ import annotations

import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from clearsim.flows.execution import prefect_adapter
from clearsim.flows.execution.prefect_adapter import (
    EagerProcessPoolTaskRunner,
    create_ephemeral_app,
)


def test_the_process_pool_runner_keeps_its_workers_and_executor() -> None:
    """``_max_workers`` is the size asked for; ``_executor`` is the pool once entered."""
    runner = EagerProcessPoolTaskRunner(max_workers=2)
    assert runner._max_workers == 2
    assert runner._executor is None
    started = runner.start_early()
    try:
        assert started is runner
        assert isinstance(runner._executor, ProcessPoolExecutor)
        assert runner.duplicate() is runner  # adopted once by the flow run
    finally:
        runner.__exit__(None, None, None)


def test_a_runner_travels_as_its_configuration() -> None:
    """Prefect sends the flow's runner to its workers: a started pool must not travel."""
    copy = pickle.loads(pickle.dumps(EagerProcessPoolTaskRunner(max_workers=3)))
    assert isinstance(copy, EagerProcessPoolTaskRunner)
    assert copy._max_workers == 3 and copy._executor is None


def test_the_ephemeral_app_is_prefects_api_without_its_ui() -> None:
    """``create_app(ephemeral=True, final=True)`` still takes those arguments and serves the API."""
    app = create_ephemeral_app()
    paths = {getattr(route, "path", "") for route in app.routes}
    assert any(path.startswith("/api") for path in paths)


def _running(pid: int | None) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_stopping_the_workers_ends_the_pools_processes() -> None:
    """``_executor._processes`` holds the pool's worker processes; a stop terminates them."""
    runner = EagerProcessPoolTaskRunner(max_workers=2).start_early()
    try:
        assert runner._executor is not None
        workers = list(runner._executor._processes.values())
        assert len(workers) == 2 and all(w.is_alive() for w in workers)
        runner.stop_workers()
        # By /proc: the executor's own thread may reap a worker first (is_alive() then lies).
        assert not [w.pid for w in workers if _running(w.pid)]
    finally:
        runner.__exit__(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert runner._executor is None


def test_a_runner_entered_in_a_pool_worker_makes_no_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Prefect enters the flow's runner around each task in the worker: no pool there."""
    monkeypatch.setattr(prefect_adapter, "_pool_workers", {os.getpid()})
    runner = EagerProcessPoolTaskRunner(max_workers=2)
    with runner:
        assert runner._started and runner._executor is None
    assert not runner._started
