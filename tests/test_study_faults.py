"""Faults during a study: a failure is one line, Ctrl-C stops at once, and the study resumes.

The CLI runs in a subprocess against the session's Prefect API (``prefect_harness``), as a user
runs it; a wrapper script makes the store fail on the second batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from factories import SCENARIOS
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    TaskRunFilter,
    TaskRunFilterName,
    TaskRunFilterState,
    TaskRunFilterStateType,
)
from prefect.client.schemas.objects import StateType

FAILING_STORE = """
import sys
import clearsim.flows.storage.persistence as persistence

real_store = persistence.store_replications
calls = []

def store_then_fail(engine, summaries):
    calls.append(len(summaries))
    if len(calls) == 2:
        raise persistence.DatabaseError("disk I/O error")
    return real_store(engine, summaries)

if __name__ == "__main__":
    persistence.store_replications = store_then_fail
    from clearsim.flows.cli.main import app
    sys.argv = ["clearsim", *sys.argv[1:]]
    app()
"""

BASELINE = str(SCENARIOS / "sea_import_baseline.yaml")
TWO_STEP = str(SCENARIOS / "sea_import_two_step.yaml")


def _env(api_url: str) -> dict[str, str]:
    return os.environ | {"PREFECT_API_URL": api_url, "COLUMNS": "200"}


def _clearsim() -> str:
    return str(Path(sys.executable).with_name("clearsim"))


@pytest.mark.slow
@pytest.mark.prefect
def test_a_failing_study_prints_one_line_and_resumes(prefect_harness: str, tmp_path: Path) -> None:
    script = tmp_path / "failing_store.py"
    script.write_text(FAILING_STORE, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'study.db'}"
    arguments = [BASELINE, TWO_STEP, "-r", "2", "--batch-size", "1", "--db-url", db, "--json"]
    env = _env(prefect_harness)
    failed = subprocess.run(
        [sys.executable, str(script), "compare", *arguments],
        capture_output=True, text=True, env=env, check=False, timeout=600,
    )  # fmt: skip
    assert failed.returncode == 1, failed.stderr
    (line,) = failed.stderr.splitlines()  # no Prefect traceback before clearsim's line
    assert line.startswith("clearsim: error: the study stopped: disk I/O error; every finished")
    assert "run the same command again to resume it" in line and "Prefect flow run" in line
    assert failed.stdout == ""
    resumed = subprocess.run(
        [_clearsim(), "compare", *arguments],
        capture_output=True, text=True, env=env, check=False, timeout=600,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    document = json.loads(resumed.stdout)
    # The first batch (one replication) was stored before the failure; the rest run now.
    assert (document["resumed"], document["reused"], document["simulated"]) == (True, 1, 3)


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, exited but not yet reaped, counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "?"


def _running_batches() -> int:
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            task_run_filter=TaskRunFilter(
                name=TaskRunFilterName(like_="simulate-study-batch"),
                state=TaskRunFilterState(type=TaskRunFilterStateType(any_=[StateType.RUNNING])),
            )
        )
    return len(runs)


@pytest.mark.prefect
def test_ctrl_c_stops_a_study_without_waiting_for_its_batches(
    prefect_harness: str, tmp_path: Path
) -> None:
    """Two batches of 16 replications take about half a minute each; Ctrl-C ends in seconds."""
    db = f"sqlite:///{tmp_path / 'study.db'}"
    study = subprocess.Popen(
        [_clearsim(), "compare", BASELINE, TWO_STEP, "-r", "16", "--batch-size", "16",
         "--db-url", db, "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(prefect_harness),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while _running_batches() < 2 and time.monotonic() < deadline:
            assert study.poll() is None, study.communicate()
            time.sleep(0.5)
        assert _running_batches() == 2, "the batches never started"
        workers = _children(study.pid)
        assert len(workers) >= 2  # the pool's workers (and its resource tracker)
        signalled = time.monotonic()
        study.send_signal(signal.SIGINT)
        _, stderr = study.communicate(timeout=60)
        stopped_after = time.monotonic() - signalled
    finally:
        study.kill()
    assert study.returncode == 130, stderr
    assert stderr.splitlines() == [
        "clearsim: interrupted; every finished batch is stored: run the same command again to "
        "resume the study"
    ]
    # A batch had ~30 s left: the study did not wait for it (measured: ~1.5 s on 2 cores).
    assert stopped_after < 10, f"Ctrl-C took {stopped_after:.1f} s"
    deadline = time.monotonic() + 5  # the resource tracker ends when its last user has
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = {pid: _command(pid) for pid in workers if _alive(pid)}
    assert not left, f"processes outlived the study: {left}"
