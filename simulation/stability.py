"""Offered load per resource, from the specs alone: is any queue unstable before we run?"""

from __future__ import annotations

from collections import defaultdict

from models.processes import SeaImportSpec, StationFlowSpec
from models.scenario import Scenario


def _sea_import_work(spec: SeaImportSpec, horizon_min: float) -> dict[str, float]:
    """Expected server-minutes of work per minute that a sea-import process offers each role."""
    calls = spec.vessel_arrivals.mean_rate_per_min(horizon_min)
    boxes = calls * spec.containers_per_call.mean
    general, aeo = spec.risk.general, spec.risk.aeo
    red = (1 - spec.aeo_share) * general.red + spec.aeo_share * aeo.red
    reviewed = (1 - spec.aeo_share) * (general.yellow + general.red) + spec.aeo_share * (
        aeo.yellow + aeo.red
    )
    cranes = spec.containers_per_call.mean * spec.crane_move_min.mean
    roles = spec.resources
    handling = spec.pickup.yard_handling_min.mean
    return {
        roles.berth: calls * (spec.berthing_min.mean + cranes + spec.unberthing_min.mean),
        roles.quay_crane: boxes * spec.crane_move_min.mean,
        roles.yard_equipment: boxes * handling * (1 + red),
        roles.document_officer: boxes * reviewed * spec.document_review_min.mean,
        roles.inspection_lane: boxes * red * spec.inspection.duration_min.mean,
        roles.gate_lane: boxes * 2 * spec.pickup.gate_transaction_min.mean,
    }


def _station_flow_work(spec: StationFlowSpec, horizon_min: float) -> dict[str, float]:
    rate = spec.arrivals.mean_rate_per_min(horizon_min)
    work: dict[str, float] = defaultdict(float)
    for stage in spec.stages:
        work[stage.resource] += rate * stage.probability * stage.service_min.mean
    return dict(work)


def offered_utilisation(scenario: Scenario) -> dict[str, float]:
    """Offered load over staffed capacity per resource (rho); >= 1 means the queue grows.

    For a berth the work counts one crane's pace per call, an upper bound: a conservative check.
    """
    work: dict[str, float] = defaultdict(float)
    for process in scenario.processes:
        if isinstance(process, SeaImportSpec):
            offered = _sea_import_work(process, scenario.horizon_min)
        elif isinstance(process, StationFlowSpec):
            offered = _station_flow_work(process, scenario.horizon_min)
        else:
            offered = process.offered_work_per_min(scenario.horizon_min)
        for resource, minutes in offered.items():
            work[resource] += minutes
    result = {}
    for name, spec in scenario.resources.items():
        staffed = spec.capacity * scenario.calendars[spec.calendar].open_fraction()
        result[name] = work.get(name, 0.0) / staffed if staffed > 0 else float("inf")
    return result


def unstable_resources(scenario: Scenario) -> dict[str, float]:
    """Resources whose offered utilisation is at least one."""
    return {name: rho for name, rho in offered_utilisation(scenario).items() if rho >= 1.0}
