"""What every clearance process receives when a replication starts it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import simpy

from clearsim.simulation.fastpath.computed_line import ComputedLine
from clearsim.simulation.fastpath.fifo_line import FifoLine
from clearsim.simulation.kernel.cbec_ledger import BuyerLedger
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.kernel.options import DEFAULT_OPTIONS, EngineOptions
from clearsim.simulation.kernel.rng import Streams
from clearsim.simulation.log.recorder import EventLog


@dataclass(frozen=True)
class ProcessContext:
    """The collaborators shared by the processes of one replication.

    ``arrivals_until_min`` is when a process stops admitting new work: the horizon for a terminating
    scenario, the drain limit for a steady-state one (so measured cases finish under load).
    ``exclusive_resources`` names the facilities that one process requests in one role only (it may
    serve them through its own :class:`~clearsim.simulation.fastpath.fifo_line.FifoLine`).
    ``cbec_ledger`` keeps one annual CBEC limit per buyer across the replication's 1210 and 9610
    processes (None without them).
    """

    env: simpy.Environment
    log: EventLog
    facilities: Mapping[str, Facility]
    router: Router
    control: RunControl
    streams: Streams
    arrivals_until_min: float
    exclusive_resources: frozenset[str] = frozenset()
    options: EngineOptions = DEFAULT_OPTIONS
    cbec_ledger: BuyerLedger | None = None

    def line(self, resource: str) -> FifoLine | ComputedLine:
        """A FIFO line in front of ``resource``: computed when it is this role's alone.

        A computed line (:mod:`clearsim.simulation.fastpath.computed_line`) on the fast path
        and nothing else requests the facility; feeders requesting its servers otherwise.
        """
        facility = self.facilities[resource]
        if self.options.fast_path and resource in self.exclusive_resources:
            return ComputedLine(self.env, facility, self.log)
        return FifoLine(self.env, facility, self.log)

    def computed_line(self, resource: str) -> ComputedLine:
        """The computed line in front of ``resource``, for a fast path's chains.

        Raises ValueError where the fast path is off or another process uses the resource: the
        process runs its reference model there.
        """
        line = self.line(resource)
        if not isinstance(line, ComputedLine):
            raise ValueError(f"{resource} is not this role's alone on the fast path")
        return line
