"""Run control: how many cases are in the system, and when every measured case has finished."""

from __future__ import annotations

import simpy


class RunControl:
    """Counts cases so the run can stop once every measured case has finished.

    A case is *measured* when it arrives before the horizon, and *finished* when it has done its
    last activity (a container: delivered to the consignee, after its exit from the customs
    area). ``in_system`` counts cases that have arrived and not yet exited: it is kept by the
    processes themselves, independently of the event log, so that conservation (arrivals =
    exits + in system) is a real check.
    """

    __slots__ = ("_open_measured", "arrived", "done", "exited", "horizon_min", "in_system")

    def __init__(self, env: simpy.Environment, horizon_min: float) -> None:
        self.horizon_min = horizon_min
        self.done = env.event()
        self._open_measured = 0
        self.in_system = 0
        self.arrived = 0
        self.exited = 0

    def expect(self, arrival_min: float) -> bool:
        """Register a case that will arrive at ``arrival_min``; True when it is measured."""
        measured = arrival_min < self.horizon_min
        if measured:
            self._open_measured += 1
        return measured

    def arrive(self) -> None:
        """A case entered the system."""
        self.in_system += 1
        self.arrived += 1

    def exit(self) -> None:
        """A case left the system (the customs area)."""
        self.in_system -= 1
        self.exited += 1

    def finish(self, measured: bool) -> None:
        """A case has done everything it will do."""
        if measured:
            self._open_measured -= 1
            self.check()

    def check(self) -> None:
        """Trigger ``done`` when no measured case is still open."""
        if self._open_measured == 0 and not self.done.triggered:
            self.done.succeed()
