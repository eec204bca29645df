"""The Python API page runs as written, and the API gives what the command line gives."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import clearsim
from clearsim.flows.execution.replications import run_replications
from clearsim.scenarios.overrides import OverrideError

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "guides" / "python-api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_every_example_of_the_python_api_page_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ```python block, in order, in one namespace, from the repository's root."""
    blocks = BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(compile(block, str(PAGE), "exec"), namespace)
    printed = out.getvalue()
    assert "cbec_9610_baseline steady_state" in printed
    assert "2 -> 3" in printed
    assert "Asia/Shanghai" in printed
    # The engine-options example prints the same figures for the fast path and the reference.
    fast, reference = printed.strip().splitlines()[-2:]
    assert fast == reference


def test_run_gives_the_executors_figures() -> None:
    """``clearsim.run`` goes through the replication executor of ``clearsim run``."""
    scenario = clearsim.load_scenario(ROOT / "scenarios" / "validation" / "mmc_inspection.yaml")
    runs = clearsim.run(scenario, replications=2, seed=5, workers=1)
    direct = run_replications(scenario, range(2), 5, workers=1)
    assert repr(list(runs.summaries)) == repr(direct)  # repr: NaN figures compare equal
    segments = runs.segments()
    assert set(segments.columns) >= {"direction", "mode", "segment", "channel", "mean_h_low"}
    assert (segments["mean_h_low"] <= segments["mean_h"]).where(segments["cases"] > 0).all()
    causes = runs.causes()
    assert set(causes.columns) >= {"segment", "cause", "mean_h", "mean_h_low", "share_high"}
    release = causes[causes.segment == "arrival->release"]
    whole = segments[(segments.segment == "arrival->release") & (segments.channel == "all")]
    assert release.mean_h.sum() == pytest.approx(whole.mean_h.iloc[0])


def test_cases_and_events_carry_timestamps_of_the_scenario_start() -> None:
    scenario = clearsim.load_scenario(ROOT / "scenarios" / "validation" / "mmc_inspection.yaml")
    runs = clearsim.run(scenario, replications=1, seed=5, workers=1)
    events = runs.events(0)
    start = pd.Timestamp(scenario.start).tz_localize("Asia/Shanghai")
    first = events.iloc[0]
    expected = start + pd.Timedelta(milliseconds=round(float(first["time_min"]) * 60_000))
    assert first["time:timestamp"] == expected  # to the millisecond, as datasets write them
    assert len(events) == runs.summaries[0].events
    cases = runs.cases(0)
    hours = (cases["release"] - cases["arrival"]).dt.total_seconds() / 3600
    assert ((hours - cases["arrival_to_release_h"]).abs() < 1e-9).where(hours.notna()).all()
    with pytest.raises(ValueError, match="replication 4 was not run"):
        runs.log(4)


def test_overrides_and_sources() -> None:
    path = ROOT / "scenarios" / "validation" / "mmc_inspection.yaml"
    from_file = clearsim.load_scenario(path)
    from_dict = clearsim.load_scenario(from_file.model_dump(mode="json"))
    assert from_dict.scenario_hash == from_file.scenario_hash
    with pytest.raises(OverrideError, match="no_such_resource"):
        clearsim.load_scenario(from_file, {"resources.no_such_resource.capacity": 2})
    with pytest.raises(ValueError, match="reference and at least one"):
        clearsim.compare([from_file])


def test_importing_clearsim_and_its_statistics_loads_no_engine() -> None:
    """``import clearsim`` is cheap; replication statistics load neither SimPy nor Prefect."""
    code = (
        "import sys, clearsim, clearsim.analysis.statistics, clearsim.analysis.comparison;"
        "print(sorted(m for m in ('simpy', 'networkx', 'prefect', 'sqlalchemy', 'pandas')"
        " if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env
    ).stdout
    assert out.strip() == "[]"
