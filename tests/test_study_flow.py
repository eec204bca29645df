"""The study flows on Prefect.

Results equal a sequential computation, on a process pool and on a Dask cluster; a comparison
killed half-way resumes to the uninterrupted result.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from factories import ROOT
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from sqlalchemy.engine import make_url
from test_studies import tiny_mmc

from clearsim.analysis.aggregate import aggregate
from clearsim.analysis.comparison import compare
from clearsim.flows.execution.study_flow import compare_scenarios, sweep_scenario, task_runner_for
from clearsim.flows.execution.study_plans import comparison_plan
from clearsim.flows.report.artifacts import study_key
from clearsim.flows.report.page import render_report
from clearsim.flows.report.study_report import study_json, study_results
from clearsim.flows.storage.persistence import open_database, store_replications
from clearsim.flows.storage.studies import COMPLETE, RUNNING, finish_study, load_study, open_study
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.run import run_summary

VOLATILE = ("study_id", "resumed", "reused", "simulated", "first_task_started_monotonic")
"""Fields of a study's JSON that say how this call went, not what the study found."""


def findings(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in VOLATILE}


def artifact_keys(flow_run_id: Any) -> dict[str, str]:
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return {a.key: a.type for a in artifacts if a.key}


@pytest.mark.prefect
def test_compare_flow_equals_sequential_and_publishes(prefect_harness: str, tmp_path: Path) -> None:
    paths = [str(tiny_mmc(tmp_path, "three_lanes")), str(tiny_mmc(tmp_path, "four_lanes", 4))]
    db_url = f"sqlite:///{tmp_path / 'studies.db'}"
    report_path = tmp_path / "out" / "report.html"
    lock, told = threading.Lock(), []

    def progress(done: int, total: int) -> None:  # like the CLI's bar: holds a lock, no pickle
        with lock:
            told.append((done, total))

    state = compare_scenarios(
        paths,
        replications=4,
        seed=5,
        batch_size=1,
        db_url=db_url,
        report_path=str(report_path),
        return_state=True,
        on_progress=progress,
    )
    document = state.result()
    assert (document["simulated"], document["reused"], document["resumed"]) == (8, 0, False)
    assert told[-1] == (8, 8) and [d for d, _ in told] == sorted(d for d, _ in told)
    assert document["status"] == COMPLETE

    specs = [load_scenario(p, replications=4, seed=5) for p in paths]
    runs = [[run_summary(s, r, 5) for r in range(4)] for s in specs]
    expected = compare(runs[0], {specs[1].name: runs[1]})
    got = [d["difference"]["mean"] for d in document["differences"]]  # JSON: NaN is null
    assert [math.nan if v is None else v for v in got] == pytest.approx(
        [d.estimate.mean for d in expected], nan_ok=True
    )
    report = aggregate(specs[0].name, runs[0], specs[0].monitoring)
    (want,) = [s for s in report.segments if (s.segment, s.channel) == ("arrival->release", "all")]
    (shown,) = [
        s
        for s in document["scenarios"][0]["segments"]
        if (s["segment"], s["channel"]) == ("arrival->release", "all")
    ]
    assert shown["mean_h"]["mean"] == pytest.approx(want.mean_h.mean)
    assert shown["mean_h"]["mean"] > 0
    keys = artifact_keys(state.state_details.flow_run_id)
    study = document["study_id"]
    key = study_key(make_url(db_url), study)  # clearsim-{store digest}-study-{id}
    assert keys[key] == "markdown"
    assert keys[f"{key}-differences"] == "table"
    assert keys[f"{key}-report"] == "markdown"
    assert keys[f"{key}-report-html"] == "markdown"  # the link to the HTML report
    for table in ("utilisation-by-hour", "queues"):
        assert keys[f"{key}-{table}"] == "table"
    # The report written at the end is the report of the stored study.
    stored = study_results(load_study(open_database(db_url), study))
    assert report_path.read_text(encoding="utf-8") == render_report(stored)

    # The same study again: found by its key, nothing simulated, the same findings.
    again = compare_scenarios(paths, replications=4, seed=5, db_url=db_url)
    assert (again["study_id"], again["simulated"], again["reused"]) == (study, 0, 8)
    assert findings(again) == findings(document)


@pytest.mark.slow
@pytest.mark.prefect
def test_compare_on_a_dask_cluster_equals_the_process_pool(
    prefect_harness: str, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    paths = [str(tiny_mmc(tmp_path, "three_lanes")), str(tiny_mmc(tmp_path, "four_lanes", 4))]
    pool = compare_scenarios(
        paths, replications=3, seed=9, db_url=f"sqlite:///{tmp_path / 'pool.db'}"
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        on_dask = compare_scenarios.with_options(
            task_runner=task_runner_for(cluster.scheduler_address)
        )(paths, replications=3, seed=9, db_url=f"sqlite:///{tmp_path / 'dask.db'}")
    assert on_dask["simulated"] == 6
    assert findings(on_dask) == findings(pool)


@pytest.mark.slow
@pytest.mark.prefect
def test_sweep_flow_grid_and_target_halfwidth(prefect_harness: str, tmp_path: Path) -> None:
    base = str(tiny_mmc(tmp_path, "base"))
    db_url = f"sqlite:///{tmp_path / 'sweep.db'}"
    document = sweep_scenario(
        base, grid={"resources.inspection_lanes.capacity": [4, 5]}, replications=2, db_url=db_url
    )
    names = [s["scenario"]["name"] for s in document["scenarios"]]
    assert names == [
        "base",
        "base[resources.inspection_lanes.capacity=4]",
        "base[resources.inspection_lanes.capacity=5]",
    ]
    assert document["kind"] == "sweep"
    # More lanes, the same arrivals (common random numbers): shorter clearance, every time.
    mean_release = {
        d["scenario"]: d["difference"]["mean"]
        for d in document["differences"]
        if (d["segment"], d["channel"], d["statistic"]) == ("arrival->release", "all", "mean_h")
    }
    assert all(v < 0 for v in mean_release.values())

    precise = compare_scenarios(
        [base, str(tiny_mmc(tmp_path, "four", 4))],
        replications=2,
        target_halfwidth=0.25,
        max_replications=12,
        db_url=db_url,
    )
    precision = precise["precision"]
    assert precise["replications"] > 2
    assert precision["reached"] == (precision["worst_relative_half_width"] <= 0.25)
    assert precision["reached"] or precise["replications"] == 12
    stored = load_study(open_database(db_url), precise["study_id"])
    assert all(len(s) == precise["replications"] for s in stored.summaries)


def _count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(db, timeout=30) as connection:
            return int(connection.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # the tables do not exist yet
        return 0


@pytest.mark.slow
@pytest.mark.prefect
def test_killed_comparison_resumes_to_the_uninterrupted_result(
    prefect_harness: str, tmp_path: Path
) -> None:
    """A real SIGKILL of the CLI (and its worker processes) half-way, then the same command."""
    paths = [str(tiny_mmc(tmp_path, "three_lanes")), str(tiny_mmc(tmp_path, "four_lanes", 4))]
    replications, total = 12, 24
    env = {**os.environ, "PREFECT_API_URL": prefect_harness}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))

    def command(db: Path) -> list[str]:
        return [
            sys.executable,
            "-m",
            "clearsim.flows.cli.main",
            "compare",
            *paths,
            "--replications",
            str(replications),
            "--batch-size",
            "1",
            "--db-url",
            f"sqlite:///{db}",
            "--json",
            "--quiet",
        ]

    killed_db = tmp_path / "killed.db"
    process = subprocess.Popen(
        command(killed_db),
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill reaches its workers too
    )
    deadline = time.monotonic() + 300
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        stored = _count(killed_db, "SELECT count(*) FROM replication_result")
        if stored >= 4:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the comparison finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    process.communicate()

    at_kill = _count(killed_db, "SELECT count(*) FROM replication_result")
    assert 4 <= at_kill < total
    assert _count(killed_db, "SELECT count(*) FROM study WHERE status = 'running'") == 1
    # No half-written replication: each one stored has all its segment rows.
    per_replication = len(
        run_summary(load_scenario(paths[0], replications=replications), 0, 424242).segments
    )
    assert _count(killed_db, "SELECT count(*) FROM segment_stat") == at_kill * per_replication

    resumed = subprocess.run(
        command(killed_db), env=env, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    document = json.loads(resumed.stdout)
    assert document["resumed"] is True
    assert (document["reused"], document["simulated"]) == (at_kill, total - at_kill)

    # The uninterrupted study, computed sequentially without Prefect into a fresh store.
    plan = comparison_plan(paths, replications=replications)
    clean = open_database(f"sqlite:///{tmp_path / 'clean.db'}")
    opened = open_study(clean, plan)
    for spec in plan.scenarios:
        store_replications(clean, [run_summary(spec, r, spec.seed) for r in range(replications)])
    finish_study(clean, opened.study_id)
    uninterrupted = study_json(study_results(load_study(clean, opened.study_id)))
    assert findings(document) == findings(uninterrupted)
    assert _count(killed_db, "SELECT count(*) FROM replication_result") == total
    final = load_study(open_database(f"sqlite:///{killed_db}"), document["study_id"])
    assert final.study.status == COMPLETE != RUNNING
    assert findings(study_json(study_results(final))) == findings(document)
