"""A headless Chromium driven over the DevTools protocol: load a page, check it, screenshot it.

Only the standard library and ``websockets`` (a Prefect dependency) are used; the browser is
Debian's ``chromium`` (or ``$CLEARSIM_CHROMIUM``), run with ``--headless --no-sandbox
--disable-gpu``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
START_TIMEOUT_S = 60.0
LOAD_TIMEOUT_S = 60.0


def find_chromium() -> str | None:
    """The browser to use: ``$CLEARSIM_CHROMIUM``, else the first candidate on PATH."""
    chosen = os.environ.get("CLEARSIM_CHROMIUM")
    if chosen:
        return chosen
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


@dataclass
class RenderedPage:
    """What the browser made of a page: the script's result, console errors, a screenshot."""

    checks: Any
    errors: list[str] = field(default_factory=list)
    screenshot: Path | None = None


class _Session:
    def __init__(self, url: str) -> None:
        self.socket = connect(url, max_size=None, open_timeout=30)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, timeout: float = 60.0, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        wanted = self.next_id
        self.socket.send(json.dumps({"id": wanted, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def wait_for(self, method: str, timeout: float) -> None:
        if any(e.get("method") == method for e in self.events):
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.1)))
            self.events.append(message)
            if message.get("method") == method:
                return
        raise TimeoutError(f"no {method} within {timeout} s")

    def errors(self) -> list[str]:
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args", []))[:500])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(params["entry"].get("text", "")[:500])
        return found


def render(browser: str, page: Path, script: str, screenshot: Path | None = None) -> RenderedPage:
    """Open ``page`` in a fresh headless browser, run ``script`` (an expression) once loaded."""
    # Chromium's helper processes may still write to the profile for a moment after the browser
    # exits: the whole process group is stopped, and a late file never fails the test.
    with tempfile.TemporaryDirectory(
        prefix="clearsim-chromium-", ignore_cleanup_errors=True
    ) as profile:
        process = subprocess.Popen(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "--window-size=1360,1000",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            port = _devtools_port(Path(profile), process)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as r:
                targets = json.load(r)
            target = next(t for t in targets if t.get("type") == "page")
            session = _Session(target["webSocketDebuggerUrl"])
            try:
                return _load_and_check(session, page, script, screenshot)
            finally:
                session.socket.close()
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the browser and every helper process of its group (renderer, GPU, crash handler)."""
    for sig, wait_s in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            continue
        break
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # helpers that outlived the browser
    time.sleep(0.2)


def _devtools_port(profile: Path, process: subprocess.Popen[bytes]) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the browser exited with status {process.returncode}")
        if marker.exists():
            text = marker.read_text().split()
            if text:
                return int(text[0])
        time.sleep(0.1)
    raise TimeoutError(f"the browser gave no DevTools port within {START_TIMEOUT_S} s")


def _load_and_check(
    session: _Session, page: Path, script: str, screenshot: Path | None
) -> RenderedPage:
    for domain in ("Page", "Runtime", "Log"):
        session.call(f"{domain}.enable")
    session.events.clear()
    session.call("Page.navigate", url=page.resolve().as_uri())
    session.wait_for("Page.loadEventFired", LOAD_TIMEOUT_S)
    value = session.call("Runtime.evaluate", expression=script, returnByValue=True)
    if "exceptionDetails" in value:
        raise RuntimeError(f"the check script failed: {value['exceptionDetails']}")
    result = RenderedPage(checks=value["result"].get("value"), errors=session.errors())
    if screenshot is not None:
        size = session.call("Page.getLayoutMetrics")["cssContentSize"]
        shot = session.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        )
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        result.screenshot = screenshot
    return result
