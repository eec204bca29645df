"""集卡预约: the terminal's truck appointment platform, hour windows of limited slots at the gate.

With ``TruckFleetSpec.appointments`` a conventional pickup, once booked (``truck_booking``),
takes the earliest hour window starting at or after that moment which is open (``open_hours``)
and has a slot left (``slots_per_hour``); it waits for the window (``truck_appointment``) and its
truck comes at the window's start. A share of bookings are no-shows (outcome
``appointment_no_show``, a named stream): the slot is spent, the box waits until the window ends
(``missed_appointment``, the consignee's) and is booked again. A 船边直提 truck is booked for the
crane lift; if it does not show, the box goes to the yard and is picked up conventionally.
Windows count from the scenario's start (minute 0 is 00:00 local).
"""

from __future__ import annotations

import math

import simpy

from clearsim.models.processes import SeaImportSpec
from clearsim.simulation.kernel.facilities import Process, delay, milestone
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import UniformSampler
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.sea_import.entities import Container

WINDOW_MIN = 60.0
"""One appointment window: an hour."""


class AppointmentPlatform:
    """The platform's windows, the slots booked in each, and the no-show draws."""

    __slots__ = (
        "_berth_u",
        "_pickup_u",
        "booked",
        "hours",
        "log",
        "missed",
        "no_show",
        "no_show_share",
        "port",
        "slots",
        "wait",
    )

    def __init__(self, spec: SeaImportSpec, streams: Streams, log: EventLog, port: int) -> None:
        assert spec.trucks is not None and spec.trucks.appointments is not None
        platform = spec.trucks.appointments
        self.slots = platform.slots_per_hour
        self.hours = platform.open_hours
        self.no_show_share = platform.no_show_share
        self.booked: dict[int, int] = {}
        self.log, self.port = log, port
        self.wait = log.activity("truck_appointment")
        self.missed = log.activity("missed_appointment")
        self.no_show = log.outcome(spec.name, "appointment_no_show")
        # Streams of their own: adding the platform shifts no other draw (CRN).
        self._pickup_u = UniformSampler(
            streams.generator(Purpose.GATE, spec.name, "appointment_no_show")
        )
        self._berth_u = UniformSampler(
            streams.generator(Purpose.GATE, spec.name, "ship_side_no_show")
        )

    @classmethod
    def at(
        cls, spec: SeaImportSpec, streams: Streams, log: EventLog, port: int
    ) -> AppointmentPlatform | None:
        """The platform of ``spec``, or None without one (no activity registered)."""
        if spec.trucks is None or spec.trucks.appointments is None:
            return None
        return cls(spec, streams, log, port)

    def book(self, now_min: float) -> int:
        """Book the earliest open window with a free slot starting at or after ``now_min``."""
        window = math.ceil(now_min / WINDOW_MIN - 1e-9)
        start, end = self.hours
        while not (start <= window % 24 < end) or self.booked.get(window, 0) >= self.slots:
            window += 1
        self.booked[window] = self.booked.get(window, 0) + 1
        return window

    def keep(self, env: simpy.Environment, box: Container) -> Process:
        """Book a window, wait for it; a no-show waits the window out and books again."""
        log = self.log
        while True:
            window = self.book(env.now)
            yield from delay(
                env, log, box.case, self.wait, self.port, window * WINDOW_MIN - env.now
            )
            if self._pickup_u() >= self.no_show_share:
                return
            milestone(env, log, box.case, self.no_show, self.port)
            yield from delay(env, log, box.case, self.missed, self.port, WINDOW_MIN)

    def truck_shows_at_berth(self, env: simpy.Environment, box: Container) -> bool:
        """The 船边直提 truck booked for the lift comes (else outcome, the box to the yard)."""
        if self._berth_u() >= self.no_show_share:
            return True
        milestone(env, self.log, box.case, self.no_show, self.port)
        return False
