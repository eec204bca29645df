"""Run control: how many cases are in the system, and when every measured case has finished."""

from __future__ import annotations

from array import array

import numpy as np
import simpy

from clearsim.simulation.kernel.simpy_adapter import schedule_at


class RunControl:
    """Counts cases so the run can stop once every measured case has finished.

    A case is *measured* when it arrives before the horizon, and *finished* when it has done its
    last activity (a container: delivered to the consignee, after its exit from the customs
    area). ``in_system`` counts cases that have arrived and not yet exited: it is kept by the
    processes themselves, independently of the event log, so that conservation (arrivals =
    exits + in system) is a real check.

    A case whose last steps are planned at once (:mod:`clearsim.simulation.fastpath.chains`) books
    its exit and its finish ahead, at their planned times (:attr:`exit_times`, :meth:`finish_at`):
    the run is done at the latest finish once no measured case is still unplanned, and
    :meth:`settle` counts the booked exits and finishes that the run reached.
    """

    __slots__ = (
        "_env",
        "_finish_cases",
        "_finish_times",
        "_latest_finish",
        "_open_measured",
        "arrived",
        "done",
        "exit_times",
        "exited",
        "horizon_min",
        "in_system",
    )

    def __init__(self, env: simpy.Environment, horizon_min: float) -> None:
        self._env = env
        self.horizon_min = horizon_min
        self.done = env.event()
        self._open_measured = 0
        self._latest_finish = -np.inf
        self.in_system = 0
        self.arrived = 0
        self.exited = 0
        self.exit_times = array("d")
        """Planned exits not yet counted (append a case's exit time)."""
        self._finish_cases = array("q")
        self._finish_times = array("d")

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

    def finish_at(self, case: int, time_min: float, measured: bool) -> None:
        """``case`` will have done everything at ``time_min`` (>= now): book its finish."""
        self._finish_cases.append(case)
        self._finish_times.append(time_min)
        if measured:
            self._open_measured -= 1
            self._latest_finish = max(self._latest_finish, time_min)
            if not self._open_measured:
                self.check()

    def check(self) -> None:
        """Trigger ``done`` when no measured case is still open, at its latest booked finish."""
        if self._open_measured == 0 and not self.done.triggered:
            if self._latest_finish > self._env.now:
                schedule_at(self._env, self.done, self._latest_finish)
            else:
                self.done.succeed()

    def settle(self, end_min: float, finished: list[bool], *, stopped: bool = False) -> None:
        """Count the booked exits and finishes that the run, ended at ``end_min``, reached.

        Those at the end itself count unless the run was ``stopped`` at its time limit
        (:meth:`clearsim.simulation.log.recorder.EventLog.settle`). Each finished case gets its flag
        in ``finished`` (the case table's).
        """
        exit_times, finish_times = np.array(self.exit_times), np.array(self._finish_times)
        exits = int((exit_times < end_min if stopped else exit_times <= end_min).sum())
        self.exited += exits
        self.in_system -= exits
        reached = finish_times < end_min if stopped else finish_times <= end_min
        for case in np.array(self._finish_cases)[reached].tolist():
            finished[case] = True
        for booked in (self.exit_times, self._finish_cases, self._finish_times):
            del booked[:]
