"""Declarations lodged in advance before the run's start are recorded at their own, negative times.

A declaration lodged in advance (提前申报) is lodged its lead time before the goods arrive. When
the goods arrive within that lead of the run's start, the lodgement lies before minute 0: it is
recorded there, and so is the work that follows it without a server (the risk screening, a 9610
list's matching); the case goes on at the clock's time once that work is done, or when it ends
if it reaches past minute 0. Work that needs a server starts at minute 0 at the earliest.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import simpy
from factories import SCENARIOS, assert_same_run, golden

from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.kernel.facilities import Process, delay_since
from clearsim.simulation.kernel.options import EngineOptions
from clearsim.simulation.log.recorder import EventLog, check_event_log
from clearsim.simulation.metrics.cases import milestone_times, shipment_outcomes
from clearsim.simulation.processes.declaration import lodge
from clearsim.simulation.run import run_replication, simulate

DAY = 1440.0


def _records(log: EventLog, case: str) -> list[tuple[str, str, float]]:
    return [(r.activity, r.lifecycle, r.time_min) for r in log.records() if r.case_id == case]


def test_a_lodgement_and_screening_before_the_start_lie_in_the_past() -> None:
    """Golden call at 60, manifest 200 min ahead (-140), prepared in 120: lodged at -20,
    screened -20 to -19.5.

    Both rows lie before the start, so the case goes on at once: tax 0-10; release at the
    arrival confirmation, 60 + 30 = 90; then the conventional pickup (tests/test_golden.py) from
    90: booking to 150, gate in 150-154 / 154-158, yard 154-160 / 160-166, gate out 160-164 /
    166-170 = exits, road 37 -> deliveries 201 and 207.
    """
    result = run_replication(golden(**{"processes.golden.declaration.advance_share": 1.0}), 0, 7)
    check_event_log(result.log)
    assert [
        (o.arrival_min, o.lodgement_min, o.release_min, o.exit_min, o.delivery_min)
        for o in shipment_outcomes(result.log)
    ] == [(60.0, -20.0, 90.0, 164.0, 201.0), (60.0, -20.0, 90.0, 170.0, 207.0)]
    assert _records(result.log, "golden:container:000001")[:7] == [
        ("lodgement", "complete", -20.0),
        ("risk_screening", "schedule", -20.0),
        ("risk_screening", "start", -20.0),
        ("risk_screening", "complete", -19.5),
        ("tax_payment", "schedule", 0.0),
        ("tax_payment", "start", 0.0),
        ("tax_payment", "complete", 10.0),
    ]
    assert result.log.rows[0][4] == -20.0  # the settled log starts before the run


def test_a_screening_that_straddles_the_start_ends_at_its_own_time() -> None:
    """Screening 300 min from the lodgement at -140 ends at 160, not 300; tax to 170 = release.

    (Prepared in no time: lodged with the manifest, 200 min before the arrival at 60.)
    """
    scenario = golden(
        **{
            "processes.golden.declaration.advance_share": 1.0,
            "processes.golden.declaration.documents.preparation_min.value_min": 0,
            "processes.golden.risk.screening_min.value_min": 300,
        }
    )
    result = run_replication(scenario, 0, 7)
    check_event_log(result.log)
    rows = _records(result.log, "golden:container:000001")
    assert [row for row in rows if row[0] in ("risk_screening", "tax_payment")] == [
        ("risk_screening", "schedule", -140.0),
        ("risk_screening", "start", -140.0),
        ("risk_screening", "complete", 160.0),
        ("tax_payment", "schedule", 160.0),
        ("tax_payment", "start", 160.0),
        ("tax_payment", "complete", 170.0),
    ]
    assert [o.release_min for o in shipment_outcomes(result.log)] == [170.0, 170.0]


def test_the_officers_review_starts_at_the_start_at_the_earliest() -> None:
    """A yellow declaration lodged at -20 and screened by -19.5 is reviewed from minute 0."""
    scenario = golden(
        **{
            "processes.golden.declaration.advance_share": 1.0,
            "processes.golden.risk.general": {"green": 0.0, "yellow": 1.0, "red": 0.0},
        }
    )
    rows = _records(run_replication(scenario, 0, 7).log, "golden:container:000001")
    review = [row for row in rows if row[0] == "document_review"]
    assert review == [
        ("document_review", "schedule", 0.0),
        ("document_review", "start", 0.0),
        ("document_review", "complete", 40.0),
    ]


def test_lodge_and_delay_since_record_the_past_without_moving_the_clock() -> None:
    """Lodged at -10: a 4-minute step ends at -6 at once; a 15-minute one wakes at exactly 5."""
    env = simpy.Environment()
    log = EventLog(("N",), ())
    lodgement, step = log.activity("lodgement", milestone=True), log.activity("step")
    case = log.new_case("box", "p")
    resumed: list[float] = []

    def declaration(minutes: float) -> Process:
        at = yield from lodge(env, log, case, lodgement, 0, -10.0)
        at = yield from delay_since(env, log, case, step, 0, at, minutes)
        resumed.append(at)
        resumed.append(env.now)

    env.process(declaration(4.0))
    env.process(declaration(15.0))
    env.run()
    assert resumed == [-6.0, 0.0, 5.0, 5.0]
    log.settle(env.now)
    check_event_log(log)
    assert [row[4] for row in log.rows] == [-10.0, -10.0, -10.0, -10.0, -10.0, -10.0, -6.0, 5.0]


def test_a_delay_since_a_time_to_come_is_refused() -> None:
    env = simpy.Environment()
    log = EventLog(("N",), ())
    steps = delay_since(env, log, log.new_case("box", "p"), log.activity("step"), 0, 3.0, 1.0)
    with pytest.raises(ValueError, match="has not begun"):
        next(steps)


def _deterministic(minutes: float) -> dict[str, Any]:
    return {"kind": "deterministic", "value_min": minutes}


KINDS: dict[str, tuple[str, float, float, dict[str, Any]]] = {
    # kind: (scenario file, horizon (min), lead (min), overrides): every declaration lodged in
    # advance, by a fixed lead longer than the time to the first arrivals
    "sea_import": (
        "sea_import_baseline.yaml",
        DAY,
        2000.0,
        {
            # the manifest 2100 min ahead, every document ready by then, 100 min to prepare
            "processes.yangluo_import.declaration.advance_share": 1.0,
            **{
                f"processes.yangluo_import.declaration.documents.{name}": value
                for name, value in (
                    ("manifest_lead_min", _deterministic(2100)),
                    ("commercial.delay_min", _deterministic(0)),
                    ("licence.delay_min", _deterministic(0)),
                    ("inspection.delay_min", _deterministic(0)),
                    ("valuation_work_min", _deterministic(0)),
                    ("preparation_min", _deterministic(100)),
                )
            },
        },
    ),
    "sea_export": (
        "sea_export_baseline.yaml",
        DAY,
        2000.0,
        {
            "processes.yangluo_export.declaration.advance_share": 1.0,
            "processes.yangluo_export.declaration.advance_lead_min": _deterministic(2000),
        },
    ),
    "rail_import": (
        "rail_import_baseline.yaml",
        6 * DAY,  # trains reach the terminal days after the border
        10000.0,
        {
            "processes.wujiashan_rail_import.declaration.advance_share": 1.0,
            "processes.wujiashan_rail_import.declaration.advance_lead_min": _deterministic(10000),
        },
    ),
    "air_cargo": (
        "air_cargo_baseline.yaml",
        DAY,
        600.0,
        {
            "processes.tianhe_air.import_declaration.advance_share": 1.0,
            "processes.tianhe_air.import_declaration.advance_lead_min": _deterministic(600),
            "processes.tianhe_air.export_declaration.advance_share": 1.0,
            "processes.tianhe_air.export_declaration.advance_lead_min": _deterministic(600),
            "processes.tianhe_air.transfer.manifest_lead_min": _deterministic(600),
        },
    ),
    "cbec_9610": (
        "cbec_9610_baseline.yaml",
        DAY,
        600.0,
        {
            "processes.dongxihu_9610.parcel_list.advance_share": 1.0,
            "processes.dongxihu_9610.parcel_list.advance_lead_min": _deterministic(600),
        },
    ),
}
"""A shipped scenario of each kind that lodges declarations, with a fixed advance lead."""


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_advance_lodgements_keep_their_lead_before_the_start(kind: str) -> None:
    """Lodged exactly the lead before arrival, at negative times too; none at 0; screened then.

    The log is in time order from its first, negative row, and the fast path gives the
    reference model's log.
    """
    path, horizon_min, lead, overrides = KINDS[kind]
    scenario = load_scenario(
        SCENARIOS / path, horizon_min=horizon_min, warmup_min=0.0, drain_limit_min=10 * DAY
    )
    scenario = with_values(scenario, overrides)
    reference = simulate(scenario, 0, 5, EngineOptions(fast_path=False))
    fast = simulate(scenario, 0, 5, EngineOptions(fast_path=True))
    assert_same_run(fast, reference)
    log = fast[0]
    check_event_log(log)
    times = milestone_times(log)
    shipment = np.asarray(log.cases.shipment) & np.asarray(log.cases.advance_declared)
    arrival, lodgement = times[shipment, 0], times[shipment, 1]
    lodged = ~np.isnan(lodgement) & ~np.isnan(arrival)
    early = lodged & (lodgement < 0.0)
    assert early.sum() >= 10  # the first arrivals come sooner than the lead
    # The arrival as recorded may differ from the one drawn by float rounding (delay by delay).
    assert np.allclose(lodgement[lodged], arrival[lodged] - lead, rtol=0.0, atol=1e-9)
    assert not (lodgement == 0.0).any()  # none clamped to the run's start
    columns = log.columns()
    assert np.all(np.diff(columns["time"]) >= 0.0)
    # The first step after a lodgement before the start begins at the lodgement itself (an air
    # transfer's manifest is lodged, not screened).
    screened = np.asarray(log.cases.direction)[shipment][early] != "transit"
    cases = np.flatnonzero(shipment)[early][screened].tolist()
    lodged_at = dict(zip(cases, lodgement[early][screened].tolist(), strict=True))
    code = log.activities.index("list_matching" if kind == "cbec_9610" else "risk_screening")
    begun = (columns["activity"] == code) & (columns["lifecycle"] == 0)
    begun &= np.isin(columns["case"], list(lodged_at))
    begun_at = zip(columns["case"][begun].tolist(), columns["time"][begun].tolist(), strict=True)
    assert dict(begun_at) == lodged_at
