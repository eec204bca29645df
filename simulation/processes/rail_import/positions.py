"""The bonded warehouse's positions: goods in bond hold them; entry waits while all are taken.

With ``BondedStorageSpec.positions`` a box released into bonded storage (中欧班列+保税仓储), on
reaching the comprehensive bonded zone (``delivery``), asks for a position of the warehouse
(activity ``bonded_stay`` on the positions resource): while every position is taken its entry
waits (the queue of ``bonded_stay``). Stored, the goods keep the position for their stay (a draw
of ``stay_min`` from a stream of its own) and the box's case ends when they leave bond. Run
control counts the box done once it is stored: a run may stop with goods still in bond.
"""

from __future__ import annotations

import simpy

from clearsim.models.rail_import import RailImportSpec
from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Facility, Process
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import DurationSampler
from clearsim.simulation.log.recorder import EventLog


class BondedPositions:
    """The positions of the bonded warehouse and the stay of each lot of goods in them."""

    __slots__ = ("_stay", "facility", "log", "node", "stay")

    def __init__(
        self, spec: RailImportSpec, facility: Facility, streams: Streams, log: EventLog
    ) -> None:
        positions = spec.bonded_storage.positions
        assert positions is not None
        self.facility, self.log = facility, log
        self.node = log.node(spec.bonded_storage.cbz_node)
        self.stay = log.activity("bonded_stay")
        # A stream of its own, drawn in order of entry: adding positions shifts no other draw.
        self._stay = DurationSampler(
            positions.stay_min, streams.generator(Purpose.SERVICE, spec.name, "bonded_stay")
        )

    @classmethod
    def at(
        cls,
        spec: RailImportSpec,
        facilities: dict[str, Facility],
        streams: Streams,
        log: EventLog,
    ) -> BondedPositions | None:
        """The positions of ``spec``, or None without them (no activity registered)."""
        positions = spec.bonded_storage.positions
        if positions is None:
            return None
        return cls(spec, facilities[positions.resource], streams, log)

    def store(self, env: simpy.Environment, case: int) -> Process:
        """Wait for a free position and take it; the stay runs on and ends the case."""
        emit, instance, code = self.log.emit, self.log.new_instance(), self.facility.code
        emit((case, self.stay, instance, SCHEDULE, env.now, self.node, code))
        request = self.facility.request(priority=1)
        yield request
        emit((case, self.stay, instance, START, env.now, self.node, code))
        env.process(self._in_bond(env, case, instance, request))

    def _in_bond(
        self,
        env: simpy.Environment,
        case: int,
        instance: int,
        request: simpy.resources.resource.PriorityRequest,
    ) -> Process:
        yield env.timeout(self._stay())
        self.log.emit((case, self.stay, instance, COMPLETE, env.now, self.node, self.facility.code))
        self.facility.resource.release(request)
        self.log.cases.finished[case] = True
