"""Each fast path of the engine gives exactly what the plain version it replaces gives."""

from __future__ import annotations

import heapq
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import simpy
from factories import SCENARIOS

from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.fastpath.fifo_line import FifoLine
from clearsim.simulation.kernel.facilities import Facility, Process, delay
from clearsim.simulation.kernel.options import EngineOptions
from clearsim.simulation.log.declared_goods import DeclaredGoods, GoodsColumns
from clearsim.simulation.log.merge import merge_logs
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.run import simulate


def test_new_cases_is_new_case_for_each() -> None:
    one, bulk = EventLog(("N",), ()), EventLog(("N",), ())
    classes, advance, destinations = ["aeo", "general", "general"], [True, False, True], list("xyz")
    for name, ahead, destination in zip(classes, advance, destinations, strict=True):
        one.new_case(
            "parcel",
            "p",
            mode="cbec_9610",
            case_class=name,
            advance_declared=ahead,
            destination=destination,
        )
    ids = bulk.new_cases(
        "parcel",
        "p",
        classes,
        mode="cbec_9610",
        advance_declared=advance,
        destinations=destinations,
    )
    assert ids == range(3) and bulk.cases == one.cases


def _group_log(rng: np.random.Generator, names: list[str], n: int) -> EventLog:
    log = EventLog(("N",), ("R",))
    codes = [log.activity(name) for name in names]
    cases = [log.new_case("parcel", "p") for _ in range(5)]
    # Many ties; negative times too (advance lodgements before the run's start).
    times = np.sort(rng.integers(-10, 40, n)).astype(float)
    for t in times.tolist():
        case, code = int(rng.choice(cases)), int(rng.choice(codes))
        log.emit((case, code, log.new_instance(), 2, t, 0, -1))
    return log


def test_merged_rows_are_a_stable_time_order_of_the_groups() -> None:
    """The merge equals heapq.merge of the groups' re-coded rows (group order breaks ties)."""
    rng = np.random.default_rng(11)
    specs = [(["screening", "arrival"], 300), (["gate_in"], 50), (["screening", "x"], 200)]
    logs = [_group_log(rng, names, n) for names, n in specs]
    expected_streams = []
    activities: list[str] = []
    case_offset = instance_offset = 0
    for log in logs:
        for name in log.activities:
            if name not in activities:
                activities.append(name)
        expected_streams.append(
            [
                (c + case_offset, activities.index(log.activities[a]), i + instance_offset, *rest)
                for c, a, i, *rest in log.rows
            ]
        )
        case_offset += len(log.cases)
        instance_offset += log.instance_count
    expected = list(heapq.merge(*expected_streams, key=lambda row: row[4]))
    merged = merge_logs(logs)
    assert merged.activities == activities
    assert list(merged.rows) == expected
    assert len(merged.cases) == case_offset and merged.new_instance() == instance_offset + 1


def _line_log(then: bool) -> EventLog:
    """Orders through a two-server FIFO line, then a delay; waiting either way in the line."""
    rng = np.random.default_rng(3)
    env = simpy.Environment()
    log = EventLog(("N",), ("R",))
    line = FifoLine(env, Facility(env, "R", 2, 0, log, []), log)
    pick, after = log.activity("pick"), log.activity("after")
    arrivals = np.round(np.cumsum(rng.exponential(1.0, 400)), 0).tolist()  # ties in time
    durations = np.round(rng.exponential(2.2, 400), 0).tolist()  # queues and equal ends

    def rest(case: int) -> Process:
        yield from delay(env, log, case, after, 0, 1.0)

    def handed_over(case: int) -> None:
        env.process(rest(case))

    def order(case: int, duration: float) -> Process:
        if then:
            line.serve_then(case, pick, duration, partial(handed_over, case))
            return
        yield line.serve(case, pick, duration)
        yield from rest(case)

    def source() -> Process:
        for at, duration in zip(arrivals, durations, strict=True):
            yield env.timeout(at - env.now)
            env.process(order(log.new_case("order", "p"), duration))

    env.process(source())
    env.run()
    return log


def test_a_line_handing_over_to_a_callback_records_what_a_waiting_process_does() -> None:
    """``FifoLine.serve_then`` and a process waiting on ``serve`` give the same rows.

    The callback runs a step earlier at the same instant, so only rows of equal time (there
    are many: times are whole minutes) and instance ids may come in another order.
    """
    waiting, handed_over = _line_log(then=False), _line_log(then=True)
    assert len(waiting.rows) == 400 * 6

    def events(log: EventLog) -> list[tuple[int, ...]]:
        return sorted((c, a, lc, t, n, r) for c, a, _, lc, t, n, r in log.rows)

    assert events(handed_over) == events(waiting)


def test_goods_columns_hold_what_they_are_given() -> None:
    rng = np.random.default_rng(8)
    given: list[DeclaredGoods | None] = [
        DeclaredGoods(int(s), int(q), float(v), float(p), 0.09 * (s % 2), float(v) * 0.091)
        if s % 3
        else None
        for s, q, v, p in zip(
            rng.integers(0, 50, 40),
            rng.integers(1, 4, 40),
            rng.lognormal(5, 1, 40),
            rng.lognormal(8, 1, 40),
            strict=True,
        )
    ]
    first, second = GoodsColumns(), GoodsColumns()
    for item in given[:25]:
        first.append(item)
    second.extend_none(3)
    second.extend(given[28:])
    for case in range(3):
        if given[25 + case] is not None:
            second[case] = given[25 + case]  # type: ignore[assignment]
    first.extend(second)
    assert list(first) == given and len(first) == 40
    assert first[7] == given[7] and first != second


def test_a_spilled_log_reads_back_the_rows_it_had(tmp_path: Path) -> None:
    """Spilled columns come back as they were, with rows appended after the spill after them."""
    log = _group_log(np.random.default_rng(4), ["screening", "gate_in"], 500)
    before = list(log.rows)
    log.spill(tmp_path)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".npy"] * 7
    log.emit((0, 0, log.new_instance(), 2, 1e6, 0, -1))
    assert list(log.rows) == [*before, (0, 0, log.instance_count, 2, 1e6, 0, -1)]
    assert list(tmp_path.iterdir()) == []  # read back once, files removed


def test_spilling_group_logs_leaves_the_merged_log_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Double-11 day whose 1210 log waits on disk while the 9610 group runs: same rows."""
    scenario = load_scenario(SCENARIOS / "double11_peak.yaml", drain_limit_min=1440)
    scenario = with_values(
        scenario,
        {
            "processes.east_lake_1210.order_multiplier": 0.1,
            "processes.dongxihu_9610.parcel_multiplier": 0.1,
        },
    )
    kept, _, _ = simulate(scenario, 0, 3)
    spilled_dirs: list[Path] = []
    spill = EventLog.spill
    monkeypatch.setattr(
        EventLog,
        "spill",
        lambda log, directory: (spilled_dirs.append(directory), spill(log, directory)),
    )
    spilled, _, _ = simulate(scenario, 0, 3, EngineOptions(spill_rows=1))
    assert len(spilled_dirs) == 1 and not spilled_dirs[0].exists()
    for name, column in kept.columns().items():
        assert np.array_equal(spilled.column(name), column), name
