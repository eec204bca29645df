"""Capacities planners size: import yard slots, truck appointments, bonded warehouse positions.

Each is an optional block (of the sea import's ``SeaImportSpec``, or of the rail import's
``BondedStorageSpec``): absent, the process runs as before and the scenario hash is unchanged.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.distributions import Duration
from clearsim.models.roles import role


class YardSpec(FrozenSpec):
    """The import yard's slots: a discharged box holds one from its landing until it is lifted out.

    The slots are a scenario resource (capacity = TEU ground slots times usable tiers, the
    planner's lever). A box lifted by the quay crane when every slot is taken cannot be landed:
    the crane (and so the berth) is held until a slot frees. A 船边直提 box going straight onto a
    truck never takes a slot.
    """

    resource: str = Field(
        min_length=1,
        description="Scenario resource of the import yard's slots (capacity = slots).",
    )


class AppointmentSpec(FrozenSpec):
    """集卡预约: the terminal's truck appointment platform, slots per hour window at the gate.

    A conventional pickup books the earliest hour window at or after its booking with a free
    slot; the truck comes at the window's start. A share of bookings are no-shows: the box
    waits and is booked again from the end of the missed window. A 船边直提 truck is booked for
    the crane lift; if it does not show, the box goes to the yard.
    """

    slots_per_hour: int = Field(
        ge=1,
        description="Pickup appointments the platform offers per hour window (gate capacity).",
        json_schema_extra=role("capacity"),
    )
    no_show_share: float = Field(
        ge=0,
        lt=1,
        description="Share of bookings whose truck does not come in its window (behaviour).",
    )
    open_hours: tuple[int, int] = Field(
        default=(0, 24),
        description="Hours of the day [from, to) whose windows take bookings (0-24: all day).",
        json_schema_extra=role("rule"),
    )

    @model_validator(mode="after")
    def _hours(self) -> AppointmentSpec:
        start, end = self.open_hours
        if not 0 <= start < end <= 24:
            raise ValueError(
                f"open_hours {list(self.open_hours)} must be two hours 0 <= from < to <= 24"
            )
        return self


class BondedPositionsSpec(FrozenSpec):
    """The bonded warehouse's positions: goods in bond hold them until they leave the warehouse.

    The positions are a scenario resource whose capacity counts container loads of pallet
    places (pallet places over the pallets one box fills). A box released into bonded storage
    takes a position when it reaches the zone; while every position is taken, its entry waits.
    The goods keep the position for ``stay_min`` (until sold or withdrawn to the market).
    """

    resource: str = Field(
        min_length=1,
        description="Scenario resource of the bonded warehouse's positions (capacity = box loads).",
    )
    stay_min: Duration = Field(
        description="Goods in bond from their entry until they leave the warehouse (behaviour)."
    )
