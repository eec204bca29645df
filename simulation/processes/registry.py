"""Which engine module starts which process kind: one entry per ``kind`` of the spec union."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from clearsim.simulation.processes.air_cargo.process import start_air_cargo
from clearsim.simulation.processes.cbec_1210.process import start_bonded_import
from clearsim.simulation.processes.cbec_9610.process import start_direct_purchase
from clearsim.simulation.processes.context import ProcessContext
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
}
"""``kind`` -> function that sets the process up and schedules its arrivals."""


def start_processes(processes: Sequence[Any], context: ProcessContext) -> None:
    """Start every process given, in the order given (the scenario's order)."""
    for process in processes:
        STARTERS[process.kind](process, context)
