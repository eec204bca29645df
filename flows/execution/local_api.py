"""The Prefect API a study's flow talks to: the configured one, or a local temporary server.

With ``PREFECT_API_URL`` set (in the environment or the active Prefect profile: a Prefect
server, Prefect Cloud, a test harness) that API is used as it is. Otherwise clearsim starts
Prefect's own temporary server, the one Prefect 3.8 would start on the first flow call
(Prefect's server app under uvicorn, ephemeral as Prefect makes it, with the UI off and only the
ephemeral services), with three differences measured to matter (docs/architecture.md,
measured costs):

* it starts at once, in a subprocess, while this process imports Prefect and loads the
  scenarios, instead of after those imports (Prefect imports its whole server package in the
  caller first, ~3 s);
* its URL is put in ``PREFECT_API_URL`` for this process and every worker, so task-runner
  workers use it instead of each starting a server of its own on the same SQLite file;
* the start-up wait defaults to 180 s, not 20 s: a fresh ``PREFECT_HOME`` needs ~25 s to create
  its database, and the 20 s default fails about one first run in four.

Only the standard library is imported here, so starting the server costs nothing up front.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

API_URL_ENV = "PREFECT_API_URL"
STARTUP_TIMEOUT_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
DEFAULT_STARTUP_TIMEOUT_S = 180.0
PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process receives when its parent dies."""
PORT_IN_USE_EXIT = 3
"""uvicorn's exit status when it cannot start (a taken port, among others): try another port."""
MAX_RELAUNCHES = 2


class LocalApiError(RuntimeError):
    """The temporary Prefect server did not come up."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """In the server's process before it starts: receive SIGTERM when the parent dies (Linux)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class LocalPrefectServer:
    """A temporary Prefect API server in a subprocess; :meth:`wait` blocks until it answers."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.started = time.perf_counter()
        self.process = self._launch()

    @property
    def api_url(self) -> str:
        """The API's base URL (what ``PREFECT_API_URL`` holds)."""
        return f"http://127.0.0.1:{self.port}/api"

    def _launch(self) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "PREFECT_UI_ENABLED": "0",
            # No network here to send anonymous usage data to; don't try (nor print Prefect's
            # first-run telemetry notice into clearsim's output).
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": os.environ.get("DO_NOT_TRACK", "1"),
        }
        env.pop(API_URL_ENV, None)
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "clearsim.flows.execution.prefect_adapter:create_ephemeral_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ]
        # Its own session: a Ctrl-C in the terminal interrupts the study, not the API that has
        # to record the interruption; the server is stopped by :meth:`stop` instead, and on
        # Linux also when this process dies without stopping it (killed, say).
        return subprocess.Popen(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 (one libc call, no lock taken)
        )

    def wait(self, timeout_s: float) -> float:
        """Block until the API answers its health check; return the seconds since launch."""
        deadline = self.started + timeout_s
        relaunches = 0
        while time.perf_counter() < deadline:
            status = self.process.poll()
            if status == PORT_IN_USE_EXIT and relaunches < MAX_RELAUNCHES:
                relaunches += 1
                self.port = _free_port()
                self.process = self._launch()
                if os.environ.get(API_URL_ENV, "").startswith("http://127.0.0.1:"):
                    os.environ[API_URL_ENV] = self.api_url
                continue
            if status is not None:
                raise LocalApiError(
                    f"the temporary Prefect server exited with status {status} while starting"
                )
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise LocalApiError(
            f"the temporary Prefect server did not answer within {timeout_s:.0f} s "
            f"(raise {STARTUP_TIMEOUT_ENV}, or point {API_URL_ENV} at a running server)"
        )

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop within 5 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _profile_api_url() -> str | None:
    """``PREFECT_API_URL`` of the active Prefect profile (``prefect profile use ...``), if any."""
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    path = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    active = os.environ.get("PREFECT_PROFILE") or document.get("active")
    profile = document.get("profiles", {}).get(active, {})
    value = profile.get(API_URL_ENV) if isinstance(profile, dict) else None
    return str(value) if value else None


def configured_api_url() -> str | None:
    """The Prefect API the user configured: environment, active settings or profile."""
    if os.environ.get(API_URL_ENV):
        return os.environ[API_URL_ENV]
    if "prefect.settings" in sys.modules:  # already imported: ask Prefect (test harnesses)
        from prefect.settings import PREFECT_API_URL

        return PREFECT_API_URL.value() or None
    return _profile_api_url()


def startup_timeout_s() -> float:
    """``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`` if set, else 180 s."""
    value = os.environ.get(STARTUP_TIMEOUT_ENV)
    try:
        return float(value) if value else DEFAULT_STARTUP_TIMEOUT_S
    except ValueError:
        raise LocalApiError(f"{STARTUP_TIMEOUT_ENV} must be a number (got {value!r})") from None


@contextmanager
def prefect_api() -> Iterator[LocalPrefectServer | None]:
    """Make a Prefect API available for the duration: the configured one, or a temporary one.

    Yields the temporary server (call its :meth:`~LocalPrefectServer.wait` before the first
    flow call, after other start-up work) or ``None`` when ``PREFECT_API_URL`` is set. While a
    temporary server runs, ``PREFECT_API_URL`` names it in this process's environment, which
    Prefect's settings and every worker process read.
    """
    if configured_api_url():
        yield None
        return
    server = LocalPrefectServer()
    os.environ[API_URL_ENV] = server.api_url
    # The temporary server sends no usage data (PREFECT_SERVER_ANALYTICS_ENABLED=false); nor does
    # Prefect's client beside it, which would otherwise print its first-run telemetry notice into
    # clearsim's output. A DO_NOT_TRACK the user set is left as it is.
    untracked = "DO_NOT_TRACK" not in os.environ
    if untracked:
        os.environ["DO_NOT_TRACK"] = "1"
    try:
        yield server
    finally:
        drain_prefect_clients()
        os.environ.pop(API_URL_ENV, None)
        if untracked:
            os.environ.pop("DO_NOT_TRACK", None)
        server.stop()


def drain_prefect_clients(timeout_s: float = 10.0) -> None:
    """Send the logs and events Prefect still holds before the server they go to stops.

    Otherwise Prefect's background workers keep retrying a closed port when the process exits.
    """
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=timeout_s)
