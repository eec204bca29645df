"""What every clearance process receives when a replication starts it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import simpy

import simulation.chains
from simulation.computed_line import ComputedLine
from simulation.control import RunControl
from simulation.facilities import Facility
from simulation.fifo_line import FifoLine
from simulation.network import Router
from simulation.recorder import EventLog
from simulation.rng import Streams


@dataclass(frozen=True)
class ProcessContext:
    """The collaborators shared by the processes of one replication.

    ``arrivals_until_min`` is when a process stops admitting new work: the horizon for a
    terminating scenario, the drain limit for a steady-state one (so measured cases finish
    under load). ``exclusive_resources`` names the facilities that one process requests in one
    role only (it may serve them through its own :class:`~simulation.fifo_line.FifoLine`).
    """

    env: simpy.Environment
    log: EventLog
    facilities: Mapping[str, Facility]
    router: Router
    control: RunControl
    streams: Streams
    arrivals_until_min: float
    exclusive_resources: frozenset[str] = frozenset()

    def line(self, resource: str) -> FifoLine | ComputedLine:
        """A FIFO line in front of ``resource``: computed when it is this role's alone.

        A computed line (:mod:`simulation.computed_line`) when chains are planned ahead and
        nothing else requests the facility; feeders requesting its servers otherwise.
        """
        facility = self.facilities[resource]
        if simulation.chains.PLAN_AHEAD and resource in self.exclusive_resources:
            return ComputedLine(self.env, facility, self.log)
        return FifoLine(self.env, facility, self.log)
