"""How ``--days`` and ``--orders`` shape the scenario a dataset is simulated from.

A dataset follows every case that arrives over its days to its end, so the scenario runs as a
terminating run with no warm-up: arrivals on ``[0, days)`` from the scenario's ``start``, then
at most ``drain_limit_min`` for the cases still in the system. ``--orders`` sets the expected
number of cross-border e-commerce retail orders (1210 consumer orders and 9610 parcels, imports
and exports) over those days: every CBEC retail arrival rate and the capacity of every resource
a CBEC retail process uses are multiplied by the same factor, so the queues stay as loaded as in
the scenario file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from clearsim.models.arrivals import ArrivalProcess, PiecewiseArrivals, PoissonArrivals
from clearsim.models.bonded_export import BondedExportSpec
from clearsim.models.bonded_import import BondedImportSpec
from clearsim.models.direct_purchase import DirectPurchaseSpec
from clearsim.models.parcel_export import ParcelExportSpec
from clearsim.models.scenario import Scenario
from clearsim.scenarios.overrides import with_values

MINUTES_PER_DAY = 1440.0
CbecSpec = BondedImportSpec | DirectPurchaseSpec | ParcelExportSpec | BondedExportSpec
CBEC_RETAIL = (BondedImportSpec, DirectPurchaseSpec, ParcelExportSpec, BondedExportSpec)


class ScopeError(ValueError):
    """``--days`` or ``--orders`` cannot be applied to the scenario."""


@dataclass(frozen=True)
class DatasetScope:
    """The scenario to simulate and what the options did to it."""

    scenario: Scenario
    days: float
    expected_orders: float
    rate_factor: float


def cbec_processes(scenario: Scenario) -> list[CbecSpec]:
    """The scenario's 1210 and 9610 processes, imports and exports, in file order."""
    return [p for p in scenario.processes if isinstance(p, CBEC_RETAIL)]


def expected_orders(scenario: Scenario, horizon_min: float) -> float:
    """Expected CBEC orders (1210 orders plus 9610 parcels) arriving over ``horizon_min``."""
    total = 0.0
    for process in cbec_processes(scenario):
        if isinstance(process, BondedImportSpec):
            total += process.order_arrivals().mean_rate_per_min(horizon_min) * horizon_min
        elif isinstance(process, BondedExportSpec):
            total += process.orders.mean_rate_per_min(horizon_min) * horizon_min
        else:
            total += process.parcel_rate_per_min(horizon_min) * horizon_min
    return total


def _scaled(arrivals: ArrivalProcess, factor: float, where: str) -> object:
    if isinstance(arrivals, PoissonArrivals):
        return {"kind": "poisson", "rate_per_hour": arrivals.rate_per_hour * factor}
    if isinstance(arrivals, PiecewiseArrivals):
        scaled = arrivals.model_dump(mode="json")
        scaled["rates_per_hour"] = [rate * factor for rate in arrivals.rates_per_hour]
        return scaled
    raise ScopeError(f"{where}: --orders needs rate-based arrivals, not fixed times")


def dataset_scope(scenario: Scenario, days: float | None, orders: int | None) -> DatasetScope:
    """The terminating scenario of ``days`` days, its CBEC rates scaled to ``orders``.

    Without ``days`` the scenario's own horizon is kept; without ``orders`` its rates are.
    A 1210 import is scaled through ``order_multiplier``, a 1210 export through its order rate; a
    9610 import (export) through its flight (truck) arrival rate when the factor is above 1 (more
    flights or trucks of the same size) and through its ``parcel_multiplier`` below 1 (the same
    flights or trucks, smaller batches). Every resource a CBEC
    process names gets ``ceil(capacity * factor)`` servers (at least one).
    """
    if days is not None and not (days > 0 and math.isfinite(days)):
        raise ScopeError(f"--days must be a finite number > 0 (got {days:g})")
    if orders is not None and orders < 1:
        raise ScopeError(f"--orders must be >= 1 (got {orders})")
    horizon_min = scenario.horizon_min if days is None else days * MINUTES_PER_DAY
    values: dict[str, object] = {
        "kind": "terminating",
        "warmup_min": 0.0,
        "horizon_min": horizon_min,
    }
    base = expected_orders(scenario, horizon_min)
    factor = 1.0
    if orders is not None:
        if base <= 0:
            raise ScopeError(
                f"scenario {scenario.name!r} has no 1210 or 9610 process: --orders needs one"
            )
        factor = orders / base
        values.update(_rate_updates(scenario, factor))
    try:
        resolved = with_values(scenario, values)
    except ValueError as error:
        raise ScopeError(str(error)) from None
    return DatasetScope(
        scenario=resolved,
        days=horizon_min / MINUTES_PER_DAY,
        expected_orders=expected_orders(resolved, horizon_min),
        rate_factor=factor,
    )


def _rate_updates(scenario: Scenario, factor: float) -> dict[str, object]:
    values: dict[str, object] = {}
    resources: set[str] = set()
    for process in cbec_processes(scenario):
        where = f"processes.{process.name}"
        if isinstance(process, BondedImportSpec):
            values[f"{where}.order_multiplier"] = process.order_multiplier * factor
        elif isinstance(process, BondedExportSpec):
            values[f"{where}.orders"] = _scaled(process.orders, factor, f"{where}.orders")
        elif factor < 1:
            values[f"{where}.parcel_multiplier"] = process.parcel_multiplier * factor
        elif isinstance(process, ParcelExportSpec):
            values[f"{where}.truck_arrivals"] = _scaled(
                process.truck_arrivals, factor, f"{where}.truck_arrivals"
            )
        else:
            values[f"{where}.flight_arrivals"] = _scaled(
                process.flight_arrivals, factor, f"{where}.flight_arrivals"
            )
        resources.update(process.resource_names())
    for name in sorted(resources):
        capacity = scenario.resources[name].capacity
        values[f"resources.{name}.capacity"] = max(1, math.ceil(capacity * factor))
    return values
