"""Pool workers end with the process that started them, even when it is killed with SIGKILL.

A killed parent cannot stop its workers, and a worker blocked in a long replication does not
notice that its task queue is gone: it would run on, orphaned. Every clearsim pool starts its
workers with :func:`guard_worker`, a thread in the worker that checks twice a second whether its
parent is still the process that started it, and ends the worker when it is not.
"""

from __future__ import annotations

import os
import threading
import time

POLL_S = 0.5
"""How often a worker checks its parent: a killed run's workers are gone within a second."""


def guard_worker() -> None:
    """In a pool worker (its ``initializer``): exit once the parent process is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_S)
        os._exit(1)  # the parent is gone: nobody will read this worker's results

    threading.Thread(target=watch, name="clearsim-parent-watch", daemon=True).start()
