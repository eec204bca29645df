"""Shared fixtures: replications of the validation scenarios, run once per session."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pytest
from factories import MMC, MMC_PRIORITY

from flows.replications import default_workers
from models.scenario import Scenario
from scenarios.load import load_scenario
from simulation.run import RunResult, run_replication

THEORY_REPLICATIONS = 8


def _replications(scenario: Scenario, n: int) -> list[RunResult]:
    with ProcessPoolExecutor(max_workers=default_workers(n)) as pool:
        futures = [pool.submit(run_replication, scenario, r, scenario.seed) for r in range(n)]
        return [f.result() for f in futures]


@pytest.fixture(scope="session")
def mmc_scenario() -> Scenario:
    """The M/M/3 validation scenario as users load it."""
    return load_scenario(MMC)


@pytest.fixture(scope="session")
def mmc_runs(mmc_scenario: Scenario) -> list[RunResult]:
    """Replications of the M/M/3 validation scenario (with their event logs)."""
    return _replications(mmc_scenario, THEORY_REPLICATIONS)


@pytest.fixture(scope="session")
def priority_scenario() -> Scenario:
    """The M/M/3 validation scenario with an AEO priority class."""
    return load_scenario(MMC_PRIORITY)


@pytest.fixture(scope="session")
def priority_runs(priority_scenario: Scenario) -> list[RunResult]:
    """Replications of the priority validation scenario."""
    return _replications(priority_scenario, THEORY_REPLICATIONS)
