"""What every clearance process receives when a replication starts it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import simpy

from simulation.control import RunControl
from simulation.facilities import Facility
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
