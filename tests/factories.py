"""Scenario builders for tests: small, fast variants of the shipped scenarios."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
import simpy

import clearsim.simulation.run
from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import MILESTONES
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.fastpath.computed_line import ComputedLine
from clearsim.simulation.fastpath.fifo_line import FifoLine
from clearsim.simulation.kernel.facilities import Facility, Process, serve
from clearsim.simulation.kernel.options import EngineOptions
from clearsim.simulation.log.recorder import EventLog

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "sea_import_baseline.yaml"
SHIP_SIDE = SCENARIOS / "sea_import_ship_side_pickup.yaml"
MMC = SCENARIOS / "validation" / "mmc_inspection.yaml"
MMC_PRIORITY = SCENARIOS / "validation" / "mmc_priority.yaml"
STARTUP_TIMEOUT_S = 180  # Prefect's default 20 s fails about one cold start in four
GOLDEN = Path(__file__).resolve().parent / "data" / "golden_sea_import.yaml"

DAY = 1440.0


def short_sea_import(path: Path = BASELINE, days: float = 10, warmup_days: float = 2) -> Scenario:
    """A shipped sea-import scenario cut to a few days (same parameters otherwise)."""
    return load_scenario(
        path,
        horizon_min=days * DAY,
        warmup_min=warmup_days * DAY,
        drain_limit_min=14 * DAY,
    )


def station_scenario(
    servers: int,
    rate_per_hour: float,
    service: dict[str, Any],
    horizon_min: float,
    *,
    warmup_min: float = 0.0,
    calendar: dict[str, Any] | None = None,
    classes: list[dict[str, Any]] | None = None,
    kind: str = "steady_state",
    seed: int = 1,
) -> Scenario:
    """A one-stage station flow built in code (the same schema users write in YAML)."""
    process: dict[str, Any] = {
        "kind": "station_flow",
        "name": "station",
        "node": "SITE",
        "arrivals": {"kind": "poisson", "rate_per_hour": rate_per_hour},
        "stages": [{"activity": "inspection", "resource": "lanes", "service_min": service}],
    }
    if classes is not None:
        process["classes"] = classes
    calendars: dict[str, Any] = {"always": {"kind": "always"}}
    if calendar is not None:
        calendars["shifts"] = calendar
    return Scenario.model_validate(
        {
            "name": "station",
            "kind": kind,
            "horizon_min": horizon_min,
            "warmup_min": warmup_min,
            "drain_limit_min": 20 * DAY,
            "seed": seed,
            "calendars": calendars,
            "network": {"nodes": {"SITE": {"kind": "inspection_area", "lat": 30.0, "lon": 114.0}}},
            "resources": {
                "lanes": {
                    "capacity": servers,
                    "node": "SITE",
                    "calendar": "shifts" if calendar else "always",
                }
            },
            "processes": [process],
        }
    )


def golden(**values: Any) -> Scenario:
    """The hand-computed golden scenario, with dotted-path overrides."""
    scenario = load_scenario(GOLDEN)
    return with_values(scenario, values) if values else scenario


FIELDS = ("case", "activity", "lifecycle", "time", "node", "resource")


def canonical_rows(log: EventLog) -> np.ndarray:
    """The log's rows without instance ids, sorted: the log as a set of events."""
    columns = log.columns()
    table = np.rec.fromarrays([columns[name] for name in FIELDS], names=FIELDS)
    return np.sort(table, order=list(FIELDS))


def instance_rows(log: EventLog) -> list[tuple[Any, ...]]:
    """Each activity instance as the tuple of its rows (lifecycle, time), sorted."""
    columns = log.columns()
    rows: dict[int, list[Any]] = {}
    for case, activity, instance, lifecycle, time in zip(
        *(columns[name].tolist() for name in ("case", "activity", "instance", "lifecycle", "time")),
        strict=True,
    ):
        rows.setdefault(instance, [case, activity]).append((lifecycle, time))
    return sorted(tuple(value) for value in rows.values())


Run = tuple[EventLog, Any, float]
"""What ``simulate`` returns: the log, the run's counts and its end time."""


def assert_same_run(fast: Run, reference: Run) -> None:
    """The same rows (but instance ids), every instance's rows, counts, end, cases, shift rows."""
    fast_log, fast_counts, fast_end = fast
    ref_log, ref_counts, ref_end = reference
    assert np.array_equal(canonical_rows(fast_log), canonical_rows(ref_log))
    assert instance_rows(fast_log) == instance_rows(ref_log)
    assert (fast_counts, fast_end) == (ref_counts, ref_end)
    assert fast_log.cases == ref_log.cases
    assert fast_log.capacity_rows == ref_log.capacity_rows


def counted_run(
    scenario: Scenario,
    fast_path: bool,
    monkeypatch: pytest.MonkeyPatch,
    module: ModuleType,
    generator: str,
) -> tuple[Run, int]:
    """Simulate seed 11; also count the processes ``module.generator`` started (entities run as
    the reference model)."""
    started = [0]
    original: Callable[..., Process] = getattr(module, generator)

    def counted(*args: Any) -> Process:
        started[0] += 1
        return original(*args)

    with monkeypatch.context() as patch:
        patch.setattr(module, generator, counted)
        # Through the module: conftest's session-wide log check wraps its ``simulate``.
        run = clearsim.simulation.run.simulate(scenario, 0, 11, EngineOptions(fast_path=fast_path))
    return run, started[0]


def line_log(kind: str, *, whole_minutes: bool = True, until: float | None = None) -> EventLog:
    """400 jobs through two servers closed twice, in a line of ``kind`` or each served alone.

    ``kind``: ``plain`` (every job a process requesting a server, ``facilities.serve``),
    ``feeder`` (a :class:`FifoLine`) or ``computed`` (a :class:`ComputedLine`). With whole
    minutes, joins, ends and shift changes tie; ``until`` stops the run with jobs waiting and in
    service.
    """
    rng = np.random.default_rng(5)
    env = simpy.Environment()
    log = EventLog(("N",), ("R",))
    facility = Facility(env, "R", 2, 0, log, [(120.0, 180.0), (300.0, 330.0)])
    lines = {"feeder": FifoLine, "computed": ComputedLine}
    line = lines[kind](env, facility, log) if kind in lines else None
    work = log.activity("work")
    joins, durations = np.cumsum(rng.exponential(1.0, 400)), rng.exponential(1.8, 400)
    if whole_minutes:
        joins, durations = np.round(joins, 0), np.round(durations, 0)

    def job(case: int, duration: float) -> Process:
        if line is not None:
            yield line.serve(case, work, duration)
        else:
            yield from serve(env, facility, log, case, work, duration)

    def source() -> Process:
        for at, duration in zip(joins.tolist(), durations.tolist(), strict=True):
            yield env.timeout(at - env.now)
            env.process(job(log.new_case("job", "p"), duration))

    env.process(source())
    env.run(until=until)
    facility.settle(env.now)
    log.settle(env.now, stopped=until is not None)
    return log


def activities_of(log: EventLog) -> set[str]:
    """The activities a process registered, less the shared milestones its log did not record.

    Every log registers all milestones (:data:`~clearsim.models.vocabulary.MILESTONES`) up
    front; a process page documents those its process records, and every activity it registers.
    """
    recorded = {log.activities[code] for code in np.unique(log.column("activity"))}
    return {name for name in log.activities if name not in MILESTONES or name in recorded}


def fixed(value_min: float) -> dict[str, Any]:
    """A deterministic duration of ``value_min`` minutes, for hand-computed traces."""
    return {"kind": "deterministic", "value_min": value_min}


def rows_by_case(log: EventLog) -> dict[int, dict[str, list[tuple[int, float]]]]:
    """Per case and activity name, its (lifecycle, time) rows in log order."""
    seen: dict[int, dict[str, list[tuple[int, float]]]] = defaultdict(lambda: defaultdict(list))
    for case, activity, _, lifecycle, time, *_ in log.rows:
        seen[case][log.activities[activity]].append((lifecycle, time))
    return seen
