"""Passenger flights' bellies (客机腹舱带货): exports leaving on the passenger timetable.

Passenger flights carry cargo in their bellies (SEED-000 s13 encourages it;
docs/background/air-cargo-model.md). A share of exports is booked by its forwarder on belly
space. With the reform (``belly.enabled``) such an export, once built up and released, is towed
to the passenger stand and handed over to the first passenger departure whose cut-off it makes
and that has room (:mod:`clearsim.simulation.processes.departures`); one that finds a departure
full waits for the next, and records ``missed_flight`` when it leaves later than the departure
booked for it on arrival. Off, it takes its freighter like any other export.

Booking draws come from a stream of their own, one per export in flight order whether the
reform is on or not (common random numbers); no other stream is touched.
"""

from __future__ import annotations

import simpy

from clearsim.models.air_chains import BellySpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Process, delay
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import ProcessSamplers
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.air_cargo.entities import EXPORT, Flight, Shipment
from clearsim.simulation.processes.departures import Departures, board


class Bellies:
    """The passenger departures' belly room and the exports booked on it."""

    def __init__(
        self,
        spec: BellySpec,
        env: simpy.Environment,
        log: EventLog,
        control: RunControl,
        process: str,
    ) -> None:
        self.spec = spec
        self.log = log
        self.departures = Departures(env, log, control, spec.departures, process, EXPORT, "air")
        self.node = log.node(spec.departures.node)
        self.tow_to_stand = log.activity("tow_to_stand")
        self._booked: set[int] = set()

    def draw(self, flights: list[Flight], samplers: ProcessSamplers) -> None:
        """Draw, for every export in flight order, whether its forwarder books belly space."""
        booking = samplers.uniforms(Purpose.ROUTING, "belly_booking")
        for flight in flights:
            for s in flight.shipments:
                if s.direction == EXPORT and booking() < self.spec.share:
                    self._booked.add(s.case)

    def carries(self, s: Shipment) -> bool:
        """The export flies in a passenger belly (reform on, booked, not apron loading)."""
        return self.spec.enabled and s.case in self._booked and not s.direct

    def board(self, env: simpy.Environment, s: Shipment) -> Process:
        """Tow to the passenger stand, hand over at the cut-off, wait until the flight leaves."""
        planned = self.departures.planned_index(s.arrival_min)
        yield from delay(env, self.log, s.case, self.tow_to_stand, self.node, s.tow_out_min)
        yield from board(env, self.departures, s.case, 1, planned)
