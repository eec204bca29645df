"""Faults: pool workers end with their parent, even when it is killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PARENT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from clearsim.flows.execution.worker_guard import guard_worker

def pid_then_sleep(_):
    time.sleep(120)  # a long replication

if __name__ == "__main__":
    context = multiprocessing.get_context(sys.argv[1])
    pool = ProcessPoolExecutor(2, mp_context=context, initializer=guard_worker)
    for _ in range(2):
        pool.submit(pid_then_sleep, None)
    time.sleep(1.0 if sys.argv[1] == "fork" else 4.0)
    print(" ".join(str(p) for p in pool._processes), flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) counts as gone.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"


def test_workers_of_a_killed_parent_exit_within_seconds(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT, encoding="utf-8")
    for method in ("fork", "spawn"):
        parent = subprocess.Popen(
            [sys.executable, str(script), method], stdout=subprocess.PIPE, text=True
        )
        assert parent.stdout is not None
        workers = [int(p) for p in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(_alive(p) for p in workers), method
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 5
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), f"{method}: workers outlived the parent"
