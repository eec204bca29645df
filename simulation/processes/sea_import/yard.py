"""The sea import's yard slots: a full yard blocks the quay crane, and so the berth.

With ``SeaImportSpec.yard`` every box the crane lands in the yard holds a slot of the yard
resource (activity ``yard_dwell``) from its landing until a yard machine lifts it onto a truck
(the end of ``yard_retrieval``). The slot is requested when the crane has the box: while every
slot is taken the crane holds the box and waits (its ``discharge`` runs on, the vessel's berth
stay with it), and the wait is the yard's queue: ``yard_dwell``'s schedule -> start is the time
the crane was blocked. A box moved to the inspection area keeps its slot (it comes back to it).
A 船边直提 box lifted onto its truck never takes one.
"""

from __future__ import annotations

import simpy

from clearsim.models.processes import SeaImportSpec
from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Facility, Process
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.sea_import.entities import Container


class YardSlots:
    """The import yard's slots and the holding of each box in the yard."""

    __slots__ = ("_held", "dwell", "facility", "log", "port")

    def __init__(self, facility: Facility, log: EventLog, port: int) -> None:
        self.facility = facility
        self.log = log
        self.port = port
        self.dwell = log.activity("yard_dwell")
        self._held: dict[int, tuple[simpy.resources.resource.PriorityRequest, int]] = {}

    @classmethod
    def at(
        cls, spec: SeaImportSpec, facilities: dict[str, Facility], log: EventLog, port: int
    ) -> YardSlots | None:
        """The yard of ``spec``, or None without a ``yard`` block (no activity registered)."""
        if spec.yard is None:
            return None
        return cls(facilities[spec.yard.resource], log, port)

    def land(self, env: simpy.Environment, box: Container) -> Process:
        """The crane has the box: wait (the crane held) until a slot is free, then take it."""
        yard, emit, instance = self.facility, self.log.emit, self.log.new_instance()
        emit((box.case, self.dwell, instance, SCHEDULE, env.now, self.port, yard.code))
        request = yard.request(priority=1)
        yield request
        emit((box.case, self.dwell, instance, START, env.now, self.port, yard.code))
        self._held[box.case] = (request, instance)

    def lift_out(self, env: simpy.Environment, box: Container) -> None:
        """The box is lifted onto its truck: its slot frees (the first blocked crane lands)."""
        held = self._held.pop(box.case, None)
        if held is None:
            return
        request, instance = held
        emit = self.log.emit
        emit((box.case, self.dwell, instance, COMPLETE, env.now, self.port, self.facility.code))
        self.facility.resource.release(request)
