"""The 1210 bonded import does what it claims: rules, stock, three documents, X-ray, parcels, CRN.

Runs are short (a day or less of orders, at reduced volume); ``check_event_log`` runs on every
one of them (conftest).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from factories import SCENARIOS

import clearsim.simulation.processes.cbec_1210.process
from clearsim.models.cbec_rules import (
    CbecLimitsSpec,
    LimitDecision,
    cbec_tax_rate,
    full_duty_rate,
    limit_decision,
    order_tax_cny,
)
from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import CHANNEL_NAMES, MILESTONES
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.metrics.cases import milestone_times
from clearsim.simulation.processes.bonded_stock import BondedStock
from clearsim.simulation.processes.courier_waves import next_wave_min
from clearsim.simulation.run import RunResult, run_replication

BASELINE = SCENARIOS / "cbec_1210_baseline.yaml"
PILOT = SCENARIOS / "cbec_1210_same_warehouse.yaml"
DOUBLE11 = SCENARIOS / "cbec_1210_double11.yaml"
PROCESS = "processes.east_lake_1210"
LIMITS = CbecLimitsSpec(single_limit_cny=5000, annual_limit_cny=26000, tax_factor=0.7)


def _short(path: Any, multiplier: float = 0.5, **values: Any) -> Scenario:
    """A shipped 1210 scenario cut to one day of orders (6 h warm-up) at reduced volume."""
    scenario = load_scenario(path, horizon_min=1440, warmup_min=360, drain_limit_min=2880)
    return with_values(scenario, {f"{PROCESS}.order_multiplier": multiplier, **values})


@dataclass
class Run:
    """A replication with its per-case activity lists, milestone times and stock accounts."""

    result: RunResult
    stocks: list[BondedStock]

    @property
    def log(self) -> Any:
        return self.result.log

    def activities(self) -> dict[int, list[str]]:
        seen: dict[int, list[str]] = defaultdict(list)
        for case, activity, *_ in self.log.rows:
            seen[case].append(self.log.activities[activity])
        return seen

    def orders(self) -> list[int]:
        return [c for c, kind in enumerate(self.log.cases.object_type) if kind == "order"]

    def times(self) -> np.ndarray:
        return milestone_times(self.log)


@pytest.fixture
def stock_accounts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[BondedStock]]:
    """Every bonded account book the engine opens during the test."""
    opened: list[BondedStock] = []

    class Recorded(BondedStock):
        __slots__ = ()

        def __init__(self, initial_units: Any) -> None:
            super().__init__(initial_units)
            opened.append(self)

    monkeypatch.setattr(clearsim.simulation.processes.cbec_1210.process, "BondedStock", Recorded)
    yield opened


def _run(scenario: Scenario, stocks: list[BondedStock]) -> Run:
    return Run(run_replication(scenario, 0, scenario.seed), stocks)


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    """Baseline, pilot and a stressed variant (short stock, costly goods, many mismatches)."""
    found: dict[str, Run] = {}
    with pytest.MonkeyPatch.context() as patch:
        for key, scenario in {
            "baseline": _short(BASELINE),
            "pilot": _short(PILOT),
            "stressed": _short(
                BASELINE,
                **{
                    f"{PROCESS}.stock.initial_stock_days": 0.2,
                    f"{PROCESS}.stock.supply_ratio": 0.5,
                    f"{PROCESS}.stock.max_stock_wait_min": 180,
                    f"{PROCESS}.order.unit_value_median_cny": 1500,
                    f"{PROCESS}.buyers.opening_spend_median_cny": 12000,
                    f"{PROCESS}.declaration.mismatch_share": 0.2,
                },
            ),
        }.items():
            opened: list[BondedStock] = []

            class Recorded(BondedStock):
                __slots__ = ()

                def __init__(self, initial_units: Any, _opened: list[BondedStock] = opened) -> None:
                    super().__init__(initial_units)
                    _opened.append(self)

            patch.setattr(clearsim.simulation.processes.cbec_1210.process, "BondedStock", Recorded)
            found[key] = _run(scenario, opened)
    return found


def test_cbec_tax_rate_matches_the_hand_computed_examples() -> None:
    """Sources 1c: VAT 13%, no CT -> 9.1%; 15% CT -> 23.1% (tariff 0 within the limits)."""
    assert cbec_tax_rate(0.13, 0.0, 0.7) == pytest.approx(0.091)
    assert cbec_tax_rate(0.13, 0.15, 0.7) == pytest.approx(0.28 / 0.85 * 0.7)
    assert round(cbec_tax_rate(0.13, 0.15, 0.7), 3) == 0.231
    assert order_tax_cny(1000, (0.10, 0.13, 0.0), LimitDecision.WITHIN, 0.7) == pytest.approx(91.0)
    assert order_tax_cny(6000, (0.10, 0.13, 0.0), LimitDecision.OVER, 0.7) == 0.0


def test_an_indivisible_item_over_5000_pays_tariff_vat_and_ct_in_full() -> None:
    """Cai Guan Shui [2018] 49 (S29, S29d): full tariff + VAT + CT, no 70% factor, by hand.

    6,000 CNY at tariff 10%, VAT 13%, no CT: tariff 600, VAT (6,000 + 600) x 13% = 858; total
    1,458 (24.3%). With 15% CT (cosmetics): tariff 600; CT base (6,000 + 600) / 0.85 = 7,764.71,
    CT 1,164.71; VAT 7,764.71 x 13% = 1,009.41; total 2,774.12.
    """
    no_ct = order_tax_cny(6000, (0.10, 0.13, 0.0), LimitDecision.INDIVISIBLE, 0.7)
    assert no_ct == pytest.approx(600 + 858)
    assert full_duty_rate(0.10, 0.13, 0.0) == pytest.approx(0.243)
    base = (6000 + 600) / 0.85
    by_hand = 600 + base * 0.15 + base * 0.13
    cosmetics = order_tax_cny(6000, (0.10, 0.13, 0.15), LimitDecision.INDIVISIBLE, 0.7)
    assert cosmetics == pytest.approx(by_hand)
    assert cosmetics == pytest.approx(2774.12, abs=0.01)


@pytest.mark.parametrize(
    ("value", "quantity", "prior", "expected"),
    [
        (4999, 3, 0, LimitDecision.WITHIN),
        (5000, 2, 21000, LimitDecision.WITHIN),  # both limits are inclusive
        (5200, 2, 0, LimitDecision.OVER),  # over the single limit, divisible
        (5200, 1, 0, LimitDecision.INDIVISIBLE),  # one item: allowed at full duties (S29)
        (5200, 1, 21000, LimitDecision.OVER),  # ... unless it breaks the annual limit
        (300, 1, 25800, LimitDecision.OVER),  # annual limit
    ],
)
def test_limit_decision_follows_s29(
    value: float, quantity: int, prior: float, expected: LimitDecision
) -> None:
    """Single 5,000 and annual 26,000 CNY limits, and the indivisible-item exception (S29)."""
    assert limit_decision(value, quantity, prior, LIMITS) == expected


def test_courier_waves_run_from_first_to_last_hour() -> None:
    """Waves every 2 h from 08:00 to 22:00; later parcels wait for 08:00 the next day."""
    assert next_wave_min(0.0, 120, 8, 22) == 480
    assert next_wave_min(480.0, 120, 8, 22) == 480
    assert next_wave_min(481.0, 120, 8, 22) == 600
    assert next_wave_min(22 * 60 + 1.0, 120, 8, 22) == 1440 + 480
    assert next_wave_min(1440 + 700.0, 120, 8, 22) == 1440 + 720


def _with(acts: dict[int, list[str]], cases: list[int], name: str) -> list[int]:
    return [c for c in cases if name in acts[c]]


def test_out_of_stock_orders_never_release(runs: dict[str, Run]) -> None:
    """An order cancelled for want of stock records no release, exit or delivery."""
    run = runs["stressed"]
    acts, orders = run.activities(), run.orders()
    cancelled = _with(acts, orders, "out_of_stock_cancelled")
    short = _with(acts, orders, "stock_shortage")
    assert cancelled, "the stressed run should cancel some orders for want of stock"
    assert set(cancelled) <= set(short)
    for case in cancelled:
        assert not {"release", "exit", "delivery", "lodgement", "pick_pack"} & set(acts[case])
        assert run.log.cases.finished[case]
    served_after_wait = [c for c in short if c not in cancelled and "release" in acts[c]]
    assert served_after_wait, "some short orders should get stock from a later batch"


def test_stock_never_goes_negative_and_the_book_balances(runs: dict[str, Run]) -> None:
    """Levels stay >= 0 and initial + booked in - issued = on hand, even when stock runs out."""
    for run in runs.values():
        (stock,) = run.stocks
        assert stock.lowest_level >= 0
        assert min(stock.levels) >= 0
        assert sum(stock.initial) + stock.received - stock.issued == sum(stock.levels)
    assert runs["stressed"].stocks[0].lowest_level == 0


def test_three_document_mismatch_is_corrected_or_cancelled(runs: dict[str, Run]) -> None:
    """A mismatch is corrected and re-reviewed, or the order is cancelled before release."""
    run = runs["stressed"]
    acts, orders = run.activities(), run.orders()
    mismatched = _with(acts, orders, "three_document_mismatch")
    cancelled = set(_with(acts, orders, "mismatch_cancelled"))
    assert cancelled and len(cancelled) < len(mismatched)
    for case in mismatched:
        done = acts[case]
        if case in cancelled:
            assert "data_correction" not in done and "release" not in done
        elif "delivery" in done or "release" in done:
            assert "data_correction" in done
            assert done.count("auto_review") == 3 * 2  # schedule, start, complete; twice
    for case in orders:
        if case not in mismatched:
            assert "data_correction" not in acts[case]


def test_over_limit_orders_are_rejected_and_indivisible_items_allowed(runs: dict[str, Run]) -> None:
    """Rejected orders never release; the indivisible exception releases (at full duties)."""
    run = runs["stressed"]
    acts, orders = run.activities(), run.orders()
    rejected = _with(acts, orders, "over_limit_rejected")
    indivisible = _with(acts, orders, "indivisible_full_duty")
    assert rejected and indivisible
    assert all("release" not in acts[c] and "exit" not in acts[c] for c in rejected)
    assert all("release" in acts[c] for c in indivisible)
    # The engine charges the indivisible item tariff, VAT and CT in full (no 70% factor).
    order = _short(BASELINE).processes[0].order  # type: ignore[union-attr]
    for case in indivisible:
        goods = run.log.cases.goods[case]
        assert goods.value_cny > 5000 and goods.quantity == 1
        rate = full_duty_rate(order.tariff_rate, order.vat_rate, goods.ct_rate)
        assert goods.tax_cny == pytest.approx(goods.value_cny * rate)
    for case in rejected:
        assert run.log.cases.goods[case].tax_cny == 0.0


def test_only_sampled_parcels_are_xrayed_near_the_spec_share(runs: dict[str, Run]) -> None:
    """X-ray share of picked parcels near 5.5% (S27c); unpacking only after an X-ray: red."""
    run = runs["baseline"]
    acts, orders = run.activities(), run.orders()
    picked = _with(acts, orders, "pick_pack")
    xrayed = set(_with(acts, picked, "xray_check"))
    unpacked = _with(acts, picked, "unpack_check")
    share = len(xrayed) / len(picked)
    spread = 4 * np.sqrt(0.055 * 0.945 / len(picked))
    print(f"X-ray share {share:.4f} of {len(picked)} parcels; spec 0.055 +- {spread:.4f}")
    assert abs(share - 0.055) < spread
    assert set(unpacked) <= xrayed and len(unpacked) < len(xrayed)
    channels = run.log.cases.channel
    assert all(CHANNEL_NAMES[channels[c]] == "red" for c in unpacked)
    assert all(CHANNEL_NAMES[channels[c]] != "red" for c in picked if c not in unpacked)


def test_mixed_orders_ship_as_two_parcels_without_the_pilot_and_one_with_it(
    runs: dict[str, Run],
) -> None:
    """Baseline: a second, non-bonded parcel, delivered before the order; pilot: one parcel."""
    base, pilot = runs["baseline"], runs["pilot"]
    for run, split in ((base, True), (pilot, False)):
        acts, cases = run.activities(), run.log.cases
        released = _with(acts, run.orders(), "release")
        mixed = [c for c in released if cases.case_class[c] == "mixed"]
        assert mixed
        for case in released:
            two = "nonbonded_pick_pack" in acts[case]
            assert two == (split and case in mixed)
            assert ("split_two_parcels" in acts[case]) == two
            assert ("one_parcel_mixed" in acts[case]) == (not split and case in mixed)
    log, delivery = base.log, MILESTONES.index("delivery")
    times = base.times()
    last_leg = log.activities.index("nonbonded_road_transport")
    for case, activity, _, lifecycle, time, *_ in log.rows:
        if activity == last_leg and lifecycle == 2:
            assert times[case, delivery] >= time


def test_baseline_and_pilot_see_the_same_orders(runs: dict[str, Run]) -> None:
    """CRN: same order ids, arrival and release times, classes, destinations and outcomes."""
    base, pilot = runs["baseline"], runs["pilot"]
    assert base.orders() == pilot.orders()
    orders = base.orders()
    columns = [MILESTONES.index("arrival"), MILESTONES.index("release")]
    np.testing.assert_array_equal(
        base.times()[orders][:, columns], pilot.times()[orders][:, columns]
    )
    for attribute in ("case_class", "destination"):
        b, p = getattr(base.log.cases, attribute), getattr(pilot.log.cases, attribute)
        assert [b[c] for c in orders] == [p[c] for c in orders]
    declaration_outcomes = {"over_limit_rejected", "mismatch_cancelled", "indivisible_full_duty"}
    base_acts, pilot_acts = base.activities(), pilot.activities()
    for case in orders:
        assert declaration_outcomes & set(base_acts[case]) == declaration_outcomes & set(
            pilot_acts[case]
        )


def test_conservation_and_cancelled_orders_leave(runs: dict[str, Run]) -> None:
    """Arrived = left (exit or cancellation) + in system; every shipment is an order."""
    for run in runs.values():
        summary = run.result.summary
        assert summary.arrived == summary.completed + summary.in_system
        cases = run.log.cases
        assert all(
            kind == "order"
            for kind, shipment in zip(cases.object_type, cases.shipment, strict=True)
            if shipment
        )
        assert "stock_batch" in cases.object_type


def test_same_seed_gives_the_same_event_log(stock_accounts: list[BondedStock]) -> None:
    """Two runs of the same scenario and seed record identical rows (and one account each)."""
    scenario = load_scenario(DOUBLE11, horizon_min=240, drain_limit_min=1440)
    first = run_replication(scenario, 1, 7)
    second = run_replication(scenario, 1, 7)
    assert first.log.rows == second.log.rows
    assert first.log.cases == second.log.cases
    assert len(stock_accounts) == 2
