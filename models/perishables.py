"""Perishable imports by air (鲜活农产品): shelf life, quarantine sampling and the two reforms.

Fresh fruit, seafood and chilled produce flown into an airport spoil if they reach the consignee
after their remaining shelf life has run out (the spoilage clock, outcome ``spoiled``). They are
inspected more often than other imports, and an inspection may take samples whose test result
the release waits for. SEED-003 s13 sets up the air green channel (鲜活农产品绿色通道: priority in
the queues, 优先检测、快检快放 a rapid test instead of the laboratory) and 7x24 appointment
inspection (7x24 小时预约查验) for them (docs/background/air-cargo-model.md).

One spec class, kept apart from the process's own so that another process can adopt it.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from clearsim.models.agency import LaboratorySpec
from clearsim.models.base import FrozenSpec
from clearsim.models.distributions import Duration
from clearsim.models.processes import ChannelRates
from clearsim.models.roles import role


class PerishableSpec(FrozenSpec):
    """The perishable cargo class of an import flow and its clearance rules."""

    share: float = Field(
        ge=0,
        le=1,
        description="Share of import shipments that are perishable.",
        json_schema_extra=role("demand"),
    )
    shelf_life_min: Duration = Field(
        description="Remaining shelf life on arrival: delivered later, the goods are spoiled."
    )
    risk: ChannelRates = Field(
        description="Risk channels of perishable declarations (quarantine: red more often)."
    )
    sampling_share: float = Field(
        ge=0, le=1, description="Share of inspected perishables sampled for a test."
    )
    laboratory: LaboratorySpec = Field(
        description="The customs laboratory a sample goes to (the agency layer's "
        ":class:`~clearsim.models.agency.LaboratorySpec`: its benches are a scenario resource)."
    )
    rapid_test_min: Duration = Field(description="Rapid test (快检) of a sample, to the result.")
    appointment_lead_min: Duration = Field(
        description="Appointment request to the appointed start of an out-of-hours inspection."
    )
    appointment_resource: str = Field(
        default="tianhe_appointment_inspection",
        description="Scenario resource of the 7x24 appointment inspection team.",
    )
    green_channel: bool = Field(
        default=False,
        description="绿色通道: perishables go first in the officer and lane queues and a "
        "sample gets the rapid test (优先检测、快检快放) instead of the laboratory.",
        json_schema_extra=role("rule"),
    )
    appointment_inspection: bool = Field(
        default=False,
        description="7x24 预约查验: a perishable ready for inspection while the lanes are "
        "closed is inspected on appointment by the appointment team (always staffed).",
        json_schema_extra=role("rule"),
    )

    @model_validator(mode="after")
    def _used(self) -> PerishableSpec:
        if (self.green_channel or self.appointment_inspection) and self.share <= 0:
            # A perishable rule with no perishables is almost always a forgotten share.
            raise ValueError("a perishable rule is on with share 0; set a share > 0")
        return self
