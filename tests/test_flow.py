"""The Prefect flow ``clearsim-run`` and ``prefect.yaml``: parallel through Prefect = sequential."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import yaml
from factories import MMC, ROOT, STARTUP_TIMEOUT_S
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import Artifact as ClientArtifact
from prefect.exceptions import ParameterTypeError
from prefect.flows import Flow, load_flow_from_entrypoint
from prefect.utilities.schema_tools import ValidationError, validate

from clearsim.analysis.aggregate import aggregate
from clearsim.flows.execution.replications import run_replications, split
from clearsim.flows.execution.run_flow import (
    RUN_COMMAND,
    run_scenario,
    simulate_batch,
)
from clearsim.flows.execution.study_plans import comparison_plan, lever_plan, sweep_plan
from clearsim.flows.execution.whatif_flow import what_if_plan
from clearsim.flows.report.render import report_json
from clearsim.flows.storage.persistence import load_run, open_database
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.what_if import WhatIfChoices
from clearsim.simulation.run import run_summary


def short_mmc(tmp_path: Path) -> Path:
    """A shortened copy of the shipped M/M/3 scenario (~240 arrivals measured per replication)."""
    path = tmp_path / "mmc_short.yaml"
    path.write_text(
        yaml.safe_dump({"extends": str(MMC), "warmup_min": 600, "horizon_min": 6600}),
        encoding="utf-8",
    )
    return path


def keys_of(node: Any) -> list[str]:
    """Every mapping key in a parsed YAML document, at any depth."""
    if isinstance(node, dict):
        return [str(k) for k in node] + [k for v in node.values() for k in keys_of(v)]
    if isinstance(node, list):
        return [k for v in node for k in keys_of(v)]
    return []


def artifacts_of(flow_run_id: UUID | None) -> list[ClientArtifact]:
    """The artifacts a flow run published, read back through Prefect's public client."""
    assert flow_run_id is not None
    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )


def report_extra(spec: Scenario) -> dict[str, Any]:
    return {"kind": spec.kind, "warmup_min": spec.warmup_min, "horizon_min": spec.horizon_min}


@pytest.mark.prefect
def test_flow_equals_sequential_and_stores_the_run(prefect_harness: None, tmp_path: Path) -> None:
    scenario = short_mmc(tmp_path)
    db_url = f"sqlite:///{tmp_path / 'runs.db'}"
    # batch_size=1: the two replications run as two tasks, in two worker processes.
    state = run_scenario(
        str(scenario), replications=2, seed=7, batch_size=1, db_url=db_url, return_state=True
    )
    result = state.result()

    spec = load_scenario(scenario, replications=2, seed=7)
    sequential = run_replications(spec, range(2), spec.seed, workers=1)
    expected = report_json(aggregate(spec.name, sequential, spec.monitoring), report_extra(spec))
    assert expected["counts"]["measured"]["mean"] > 100
    assert result["report"] == expected
    assert result["scenario_hash"] == spec.scenario_hash
    json.dumps(result, allow_nan=False)

    stored = load_run(open_database(db_url), result["run_id"])
    assert stored.run.command == RUN_COMMAND
    assert stored.run.root_seed == 7
    assert stored.run.scenario_hash == spec.scenario_hash
    # repr compares floats exactly and treats NaN (an empty segment) as equal to NaN.
    assert [repr(s) for s in stored.summaries] == [repr(s) for s in sequential]

    artifacts = {a.key: a for a in artifacts_of(state.state_details.flow_run_id)}
    trs = artifacts["clearsim-trs-mmc-inspection"]
    assert trs.type == "markdown"
    assert "| flow | segment | channel |" in str(trs.data)
    assert " ± " in str(trs.data)
    resources = artifacts["clearsim-resources-mmc-inspection"]
    assert resources.type == "table"
    assert "inspection_lanes" in str(resources.data)
    assert [a.data for a in artifacts.values() if a.type == "progress"] == [100.0]


@pytest.mark.prefect
def test_flow_rejects_bad_parameters(prefect_harness: None) -> None:
    with pytest.raises(ParameterTypeError, match="replications"):
        run_scenario(str(MMC), replications=0)


def test_simulate_batch_runs_its_replications_in_order(tmp_path: Path) -> None:
    spec = load_scenario(short_mmc(tmp_path))
    batch = simulate_batch.fn(spec.resolved_json(), [2, 0], spec.seed)
    assert [s.replication for s in batch] == [2, 0]
    assert repr(batch[0]) == repr(run_summary(spec, 2, spec.seed))
    assert repr(batch[1]) == repr(run_summary(spec, 0, spec.seed))
    assert split(range(7), 3) == [(0, 1, 2), (3, 4, 5), (6,)]


def test_prefect_yaml_deployments_load_and_validate() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    assert "definitions" in config
    # architecture rule 8 (docs/architecture.md): no IDs
    assert not [k for k in keys_of(config) if k == "id" or k.endswith("_id")]
    deployments = config["deployments"]
    assert [d["name"] for d in deployments] == [
        "run-baseline",
        "compare-sea-import-reforms",
        "sweep-inspection-lanes",
        "sweep-take-up-two-step",
        "levers-sea-import-baseline",
        "what-if-sea-import",
    ]
    flow_names = {
        "run_scenario": "clearsim-run",
        "compare_scenarios": "clearsim-compare",
        "sweep_scenario": "clearsim-sweep",
        "study_levers": "clearsim-levers",
        "what_if": "clearsim-what-if",
    }
    for deployment in deployments:
        assert deployment["enforce_parameter_schema"] is True
        assert deployment["work_pool"]["name"] == "clearsim-local"
        path, _, name = deployment["entrypoint"].partition(":")
        flow = load_flow_from_entrypoint(f"{ROOT / path}:{name}", use_placeholder_flow=False)
        assert isinstance(flow, Flow)
        assert flow.name == flow_names[name]
        parameters = deployment["parameters"]
        schema = flow.parameters.model_dump_for_openapi()
        validate(parameters, schema, raise_on_error=True)
        flow.validate_parameters(parameters)
        with pytest.raises(ValidationError, match="replications"):
            validate({**parameters, "replications": 0}, schema, raise_on_error=True)
        if name == "run_scenario":
            load_scenario(ROOT / parameters["scenario_path"])
        elif name == "compare_scenarios":
            comparison_plan([str(ROOT / p) for p in parameters["scenario_paths"]])
        elif name == "what_if":
            choices = {k: v for k, v in parameters.items() if k in WHAT_IF_CHOICES}
            plan = what_if_plan(str(ROOT / parameters["scenario_path"]), WhatIfChoices(**choices))
            assert len(plan.scenarios) == 2 and plan.scenarios[1].name.startswith(
                "sea_import_baseline[what-if: "
            )
            form = schema["properties"]  # the run form: constraints and descriptions
            assert form["customs_officers"]["description"].startswith("Customs officers")
            assert form["officer_hours"]["anyOf"][0]["enum"] == ["office hours", "7x24"]
            with pytest.raises(ValidationError, match="customs_officers"):
                validate({**parameters, "customs_officers": 0}, schema, raise_on_error=True)
        elif name == "study_levers":
            plan = lever_plan([str(ROOT / p) for p in parameters["scenario_paths"]])
            assert len(plan.scenarios) == 10  # the baseline and its nine levers
        else:
            plan = sweep_plan(
                str(ROOT / parameters["scenario_path"]),
                grid=parameters.get("grid"),
                take_up=parameters.get("take_up"),
            )
            assert len(plan.scenarios) == 5 + ("take_up" in parameters)


WHAT_IF_CHOICES = set(WhatIfChoices.__dataclass_fields__)
WORKER_SERVER_SCRIPT = """
import json, sys
from clearsim.flows.execution.run_flow import run_scenario

if __name__ == "__main__":
    result = run_scenario(sys.argv[1], replications=2, batch_size=1, db_url=sys.argv[2])
    print("RESULT " + json.dumps({"run_id": result["run_id"]}))
"""


@pytest.mark.slow
@pytest.mark.prefect
def test_workers_use_the_parents_ephemeral_api(tmp_path: Path) -> None:
    """With no PREFECT_API_URL, exactly one temporary server starts (not one per worker)."""
    script = tmp_path / "run_flow_once.py"
    script.write_text(WORKER_SERVER_SCRIPT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(STARTUP_TIMEOUT_S),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    }
    db_url = f"sqlite:///{tmp_path / 'runs.db'}"
    done = subprocess.run(
        [sys.executable, str(script), str(short_mmc(tmp_path)), db_url],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "RESULT " in done.stdout
    starts = [line for line in output.splitlines() if "Starting temporary server" in line]
    assert len(starts) == 1, "\n".join(starts)
