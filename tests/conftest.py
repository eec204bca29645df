"""Shared fixtures: every simulated log is checked; validation replications run once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor

import pytest
from factories import MMC, MMC_PRIORITY, STARTUP_TIMEOUT_S
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    temporary_settings,
)
from prefect.testing.utilities import prefect_test_harness

import clearsim.simulation.run
from clearsim.flows.execution.replications import default_workers
from clearsim.models.scenario import Scenario
from clearsim.scenarios.load import load_scenario
from clearsim.simulation.kernel.options import DEFAULT_OPTIONS, EngineOptions
from clearsim.simulation.log.recorder import EventLog, check_event_log
from clearsim.simulation.run import RunResult, run_replication

THEORY_REPLICATIONS = 8


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[str]:
    """One temporary Prefect API and database for the whole session; yields the API URL."""
    with (
        temporary_settings(
            updates={PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: STARTUP_TIMEOUT_S}
        ),
        prefect_test_harness(server_startup_timeout=None),  # None: use the setting above
    ):
        yield str(PREFECT_API_URL.value())


@pytest.fixture(scope="session", autouse=True)
def every_simulated_log_is_checked() -> Iterator[None]:
    """``check_event_log`` runs on every log any test simulates (architecture rule 5).

    The engine's ``simulate`` is wrapped for the whole session, before any fixture runs, so the
    check also covers replications run through the CLI and in forked worker processes.
    """
    original = clearsim.simulation.run.simulate

    def checked(
        scenario: Scenario,
        replication: int,
        root_seed: int,
        options: EngineOptions = DEFAULT_OPTIONS,
    ) -> tuple[EventLog, clearsim.simulation.run.RunCounts, float]:
        log, control, end = original(scenario, replication, root_seed, options)
        check_event_log(log)
        return log, control, end

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clearsim.simulation.run, "simulate", checked)
        yield


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
