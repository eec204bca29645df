"""One annual CBEC limit per buyer across 1210 and 9610 in a replication (S29, S29e).

The run's buyer ledger settles every 1210 order and 9610 parcel in time order; a buyer's year
(opening spend plus every order that passed the limit check) never exceeds 26,000 CNY, whichever
process the orders came through. A small buyer population makes buyers order through both.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from factories import SCENARIOS

from clearsim.models.cbec_rules import LimitDecision
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.kernel.cbec_ledger import BuyerLedger
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.processes.registry import CLAIMS, buyer_ledger
from clearsim.simulation.run import RunResult, arrivals_until_min, run_replication

PEAK = SCENARIOS / "double11_peak.yaml"
BONDED, DIRECT = "processes.east_lake_1210", "processes.dongxihu_9610"
ANNUAL = 26_000.0


def _scenario() -> Scenario:
    """Half a Double-11 day of both flows, 400 buyers with a high opening spend."""
    scenario = load_scenario(PEAK, horizon_min=720, warmup_min=0, drain_limit_min=1440)
    values: dict[str, object] = {
        f"{BONDED}.order_multiplier": 0.5,
        f"{DIRECT}.parcel_multiplier": 0.5,
    }
    for process in (BONDED, DIRECT):
        values[f"{process}.buyers.population"] = 400
        values[f"{process}.buyers.opening_spend_median_cny"] = 15_000
    return with_values(scenario, values)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return _scenario()


@pytest.fixture(scope="module")
def run(scenario: Scenario) -> RunResult:
    return run_replication(scenario, 0, scenario.seed)  # conftest checks the event log


@pytest.fixture(scope="module")
def ledger(scenario: Scenario) -> BuyerLedger:
    found = buyer_ledger(
        scenario.processes, Streams(scenario.seed, 0), arrivals_until_min(scenario)
    )
    assert found is not None
    return found


def test_a_buyers_year_across_1210_and_9610_stays_within_the_annual_limit(
    scenario: Scenario, ledger: BuyerLedger
) -> None:
    streams, until = Streams(scenario.seed, 0), arrivals_until_min(scenario)
    spent = ledger.opening_cny.copy()
    modes: dict[int, set[str]] = defaultdict(set)
    refused_for_the_year = 0
    for spec in scenario.processes:
        claims = CLAIMS[spec.kind](spec, streams, until)
        settled = ledger.settled(spec.name)
        passed = settled.decisions != LimitDecision.OVER
        np.add.at(spent, claims.buyers[passed], claims.values_cny[passed])
        for buyer in claims.buyers[passed].tolist():
            modes[buyer].add(spec.kind)
        over_year = settled.prior_annual_cny + claims.values_cny > ANNUAL
        refused_for_the_year += int((~passed & over_year).sum())
    both = [b for b, kinds in modes.items() if kinds == {"cbec_1210", "cbec_9610"}]
    print(
        f"{len(both)} buyers passed orders through both 1210 and 9610; "
        f"{refused_for_the_year} orders refused for the annual limit; "
        f"highest year {spent.max():,.0f} CNY"
    )
    assert both  # the ledger is shared: buyers charge it from both processes
    assert refused_for_the_year > 0
    assert spent.max() <= ANNUAL + 1e-6


def test_the_run_declares_what_the_ledger_settled(
    scenario: Scenario, run: RunResult, ledger: BuyerLedger
) -> None:
    """Each order's and parcel's prior spend is the ledger's; rejections are named outcomes."""
    log = run.log
    by_process: dict[str, list[float]] = defaultdict(list)
    for case in range(len(log.cases)):
        goods = log.cases.goods[case]
        if goods is not None and log.cases.shipment[case]:
            by_process[log.cases.process[case]].append(goods.prior_annual_cny)
    for spec in scenario.processes:
        priors = by_process[spec.name]
        assert priors
        expected = ledger.settled(spec.name).prior_annual_cny[: len(priors)]
        assert np.array_equal(np.array(priors), expected)
    outcomes = {(o.process, o.outcome): o.cases for o in run.summary.outcomes}
    for spec in scenario.processes:
        assert outcomes[(spec.name, "over_limit_rejected")] > 0
        assert (spec.name, "indivisible_full_duty") in outcomes
