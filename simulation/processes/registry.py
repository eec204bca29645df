"""Which engine module starts which process kind: one entry per ``kind`` of the spec union."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from clearsim.simulation.kernel.cbec_ledger import BuyerLedger, Claims
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.processes.air_cargo.process import start_air_cargo
from clearsim.simulation.processes.cbec_1210.entities import order_claims
from clearsim.simulation.processes.cbec_1210.process import start_bonded_import
from clearsim.simulation.processes.cbec_1210_export.process import start_bonded_export
from clearsim.simulation.processes.cbec_9610.entities import parcel_claims
from clearsim.simulation.processes.cbec_9610.process import start_direct_purchase
from clearsim.simulation.processes.cbec_9610_export.process import start_parcel_export
from clearsim.simulation.processes.cbec_9710.process import start_b2b_export
from clearsim.simulation.processes.cbec_9810.process import start_warehouse_export
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.market_1039.process import start_market_procurement
from clearsim.simulation.processes.rail_export.process import start_rail_export
from clearsim.simulation.processes.rail_import.process import start_rail_import
from clearsim.simulation.processes.sea_export.process import start_sea_export
from clearsim.simulation.processes.sea_import.process import start_sea_import
from clearsim.simulation.processes.station_flow.process import start_station_flow

Starter = Callable[[Any, ProcessContext], None]

STARTERS: dict[str, Starter] = {
    "sea_import": start_sea_import,
    "station_flow": start_station_flow,
    "sea_export": start_sea_export,
    "rail_import": start_rail_import,
    "air_cargo": start_air_cargo,
    "cbec_9610": start_direct_purchase,
    "cbec_1210": start_bonded_import,
    "cbec_9710": start_b2b_export,
    "market_1039": start_market_procurement,
    "cbec_1210_export": start_bonded_export,
    "cbec_9610_export": start_parcel_export,
    "cbec_9810": start_warehouse_export,
    "rail_export": start_rail_export,
}
"""``kind`` -> function that sets the process up and schedules its arrivals."""


def start_processes(processes: Sequence[Any], context: ProcessContext) -> None:
    """Start every process given, in the order given (the scenario's order)."""
    for process in processes:
        STARTERS[process.kind](process, context)


CLAIMS: dict[str, Callable[[Any, Streams, float], Claims]] = {
    "cbec_1210": order_claims,
    "cbec_9610": lambda spec, streams, until: parcel_claims(spec, streams, until).claims,
}
"""``kind`` -> the claims its orders make on the annual CBEC limit (the buyer ledger)."""


def buyer_ledger(
    processes: Sequence[Any], streams: Streams, until_min: float
) -> BuyerLedger | None:
    """The replication's buyer ledger over every CBEC process (None without one).

    Built before any process group runs, so 1210 and 9610 share one annual limit per buyer
    wherever the engine puts them. Every CBEC process must give the same limits and buyers.
    """
    cbec = [p for p in processes if p.kind in CLAIMS]
    if not cbec:
        return None
    first = cbec[0]
    for other in cbec[1:]:
        if (other.limits, other.buyers) != (first.limits, first.buyers):
            raise ValueError(
                f"CBEC processes {first.name} and {other.name} give different limits or buyers; "
                "the annual limit is one per person"
            )
    claims = {p.name: CLAIMS[p.kind](p, streams, until_min) for p in cbec}
    return BuyerLedger(first.limits, first.buyers, streams, claims)
