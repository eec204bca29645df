"""Scheduled departures: the conveyances export goods leave China on, and the goods' boarding.

A :class:`Departures` keeps one timetable
(:class:`~clearsim.models.departures.DepartureScheduleSpec`) and brings each departure into being
when goods are first handed to it: its own case (object type ``flight``, ``train``, ``truck`` or
``vessel``, not a shipment) and a process that waits for its departure minute, records
``<conveyance>_departure`` on its case and ``departure`` on every case it carries, in hand-over
order, and releases the goods' processes waiting on it.

:func:`board` is what goods do at the cut-off desk: they are handed to the first departure whose
cut-off they make and that has room, are linked to it (``carried_by``), and wait until it has left.
Goods that make a later departure than the one booked for them when they arrived record the
process's ``missed`` outcome (for a parcel: it missed its flight).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import simpy

from clearsim.models.departures import DepartureScheduleSpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import milestone
from clearsim.simulation.log.recorder import EventLog


@dataclass(slots=True, eq=False)
class Departure:
    """One departure: its carrier case, minute, load and the event of its leaving."""

    index: int
    case: int
    departure_min: float
    left: simpy.Event
    loaded: list[int] = field(default_factory=list)
    units: int = 0


class Departures:
    """The timetable of one departure line and the departures goods have been handed to."""

    def __init__(
        self,
        env: simpy.Environment,
        log: EventLog,
        control: RunControl,
        spec: DepartureScheduleSpec,
        process: str,
        direction: str,
        mode: str,
    ) -> None:
        self.env = env
        self.log = log
        self.control = control
        self.spec = spec
        self.process = process
        self.direction = direction
        self.mode = mode
        self.node = log.node(spec.node)
        self.conveyance_departure = log.activity(f"{spec.conveyance}_departure", milestone=True)
        self.departure = log.activity("departure", milestone=True)
        self.missed = log.outcome(process, f"missed_{spec.conveyance}")
        self._open: dict[int, Departure] = {}

    def planned_index(self, arrival_min: float) -> int:
        """The departure booked for goods arriving at ``arrival_min``."""
        return self.spec.planned_index(arrival_min)

    def hand_over(self, case: int, units: int) -> Departure:
        """Give ``case`` (``units`` of capacity) to the first departure it makes with room."""
        if units > self.spec.capacity_units:
            raise ValueError(
                f"{self.process}: {units} units never fit a {self.spec.conveyance} of "
                f"{self.spec.capacity_units}"
            )
        index = self.spec.first_index_open_at(self.env.now)
        while True:
            departure = self._open.get(index) or self._start(index)
            if departure.units + units <= self.spec.capacity_units:
                break
            index += 1
        departure.units += units
        departure.loaded.append(case)
        self.log.link(case, departure.case, "carried_by")
        return departure

    def _start(self, index: int) -> Departure:
        case = self.log.new_case(
            self.spec.conveyance,
            self.process,
            shipment=False,
            direction=self.direction,
            mode=self.mode,
        )
        departure = Departure(index, case, self.spec.departure_min(index), self.env.event())
        self._open[index] = departure
        self.env.process(self._leave(departure))
        return departure

    def _leave(self, departure: Departure) -> Generator[simpy.Event, object, None]:
        """Wait for the departure minute; record it on the carrier and every case it carries."""
        env, log = self.env, self.log
        yield env.timeout(departure.departure_min - env.now)
        del self._open[departure.index]
        milestone(env, log, departure.case, self.conveyance_departure, self.node)
        for case in departure.loaded:
            milestone(env, log, case, self.departure, self.node)
        log.cases.finished[departure.case] = True
        departure.left.succeed()


def board(
    env: simpy.Environment, departures: Departures, case: int, units: int, planned_index: int
) -> Generator[simpy.Event, object, Departure]:
    """Hand the goods over at the cut-off and wait until their departure has left.

    Records the ``missed_<conveyance>`` outcome when the goods make a later departure than the
    one booked for them (``planned_index``): they were not ready by its cut-off, or it was full.
    """
    departure = departures.hand_over(case, units)
    if departure.index > planned_index:
        milestone(env, departures.log, case, departures.missed, departures.node)
    yield departure.left
    return departure
