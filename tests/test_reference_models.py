"""Every process kind: the fast path gives the reference model's event log on the same seed.

The reference model of a process kind is its plain SimPy version (every case a process, every
queue plain requests on the facility); the fast path (``EngineOptions(fast_path=True)``, the
default) plans runs of steps at once and computes FIFO lines. For each kind of the spec union a
shipped scenario, cut short, runs both ways, drained and stopped at its time limit with cases
still queued; its facilities keep their shift calendars, so closures are crossed. The logs must
hold the same rows (case, activity, lifecycle, time, node, resource), every activity instance
the same rows, the same case table, counts, shift rows and end time. Only the numbering of
activity instances and the order of rows at exactly equal times may differ.
"""

from __future__ import annotations

import typing

import pytest
from factories import SCENARIOS, assert_same_run

from clearsim.models.process_union import ProcessSpec
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.kernel.options import EngineOptions
from clearsim.simulation.log.recorder import check_event_log
from clearsim.simulation.run import simulate

HOUR, DAY = 60.0, 1440.0

CASES: dict[str, tuple[str, float, float]] = {
    # kind: (scenario file, horizon (min), warm-up (min)): a few days of each, weekdays included
    "sea_import": ("sea_import_baseline.yaml", 4 * DAY, 1 * DAY),
    "sea_export": ("sea_export_baseline.yaml", 4 * DAY, 1 * DAY),
    "rail_import": ("rail_import_baseline.yaml", 6 * DAY, 1 * DAY),
    "air_cargo": ("air_cargo_baseline.yaml", 3 * DAY, 1 * DAY),
    "cbec_1210": ("cbec_1210_baseline.yaml", 1 * DAY, 0.25 * DAY),
    "cbec_9610": ("cbec_9610_baseline.yaml", 1.5 * DAY, 0.5 * DAY),
    "cbec_9710": ("cbec_9710_baseline.yaml", 6 * DAY, 1 * DAY),
    "market_1039": ("market_1039_baseline.yaml", 3 * DAY, 1 * DAY),
    "cbec_1210_export": ("cbec_1210_export_baseline.yaml", 1 * DAY, 0.25 * DAY),
    "cbec_9610_export": ("cbec_9610_export_baseline.yaml", 0.3 * DAY, 0.1 * DAY),
    "station_flow": ("validation/mmc_inspection.yaml", 10 * DAY, 1 * DAY),
    "cbec_9810": ("cbec_9810_baseline.yaml", 3 * DAY, 1 * DAY),
    "rail_export": ("rail_export_baseline.yaml", 4 * DAY, 1 * DAY),
}
"""A shipped scenario of each process kind, cut to a few days."""


def test_every_process_kind_has_a_case() -> None:
    """A new kind in the spec union fails here until it is compared too."""
    union = typing.get_args(typing.get_args(ProcessSpec)[0])
    kinds = {typing.get_args(spec.model_fields["kind"].annotation)[0] for spec in union}
    assert kinds == set(CASES)


def _scenario(kind: str, drain_limit_min: float) -> Scenario:
    path, horizon_min, warmup_min = CASES[kind]
    scenario = load_scenario(
        SCENARIOS / path,
        horizon_min=horizon_min,
        warmup_min=warmup_min,
        drain_limit_min=drain_limit_min,
    )
    assert any(process.kind == kind for process in scenario.processes)
    return scenario


@pytest.mark.parametrize("stopped", [False, True], ids=["drained", "stopped"])
@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_fast_path_gives_the_reference_models_log(kind: str, stopped: bool) -> None:
    scenario = _scenario(kind, 0.5 * HOUR if stopped else 10 * DAY)
    reference_run = simulate(scenario, 0, 17, EngineOptions(fast_path=False))
    fast_run = simulate(scenario, 0, 17, EngineOptions(fast_path=True))
    (reference, reference_counts, reference_end), (fast, _, _) = reference_run, fast_run
    check_event_log(reference)
    check_event_log(fast)
    assert len(reference.rows) > 1_000
    if stopped:
        # Stopped at its limit with work left: rows planned past the end must not appear.
        assert reference_counts.in_system > 0
        assert reference_end == scenario.horizon_min + scenario.drain_limit_min
    assert_same_run(fast_run, reference_run)
