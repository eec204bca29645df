"""Which engine module starts which process kind: one entry per ``kind`` of the spec union."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from simulation.air_cargo import start_air_cargo
from simulation.bonded_import import start_bonded_import
from simulation.context import ProcessContext
from simulation.direct_purchase import start_direct_purchase
from simulation.rail_import import start_rail_import
from simulation.sea_export import start_sea_export
from simulation.sea_import import start_sea_import
from simulation.station_flow import start_station_flow

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
