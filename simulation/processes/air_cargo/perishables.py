"""Perishable air imports (鲜活农产品): their draws and their steps at the airport.

A perishable import is screened with the perishable channel rates, may be sampled at its
inspection and then waits for the test result (the customs laboratory of the agency layer, a
bench on its resource, or the rapid test of the green channel, 快检快放), and is ``spoiled``
when delivered to the consignee after its remaining shelf life has run out. Under 7x24
appointment inspection (预约查验) a perishable whose document review or inspection falls while
the officers' or lanes' calendar is closed is handled on appointment by an always-staffed team
(docs/background/air-cargo-model.md; SEED-003 s13).

Every shipment of a scenario with the perishable class draws the same values from the same
streams whether it is perishable or not and whichever rule is on: common random numbers between
the perishable baseline and its reforms.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from clearsim.models.perishables import PerishableSpec
from clearsim.models.processes import ChannelRates
from clearsim.simulation.kernel.facilities import Facility
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import ProcessSamplers
from clearsim.simulation.processes.agency import AgencyCase


@dataclass(frozen=True, slots=True)
class FreshDraw:
    """What one shipment drew for the perishable class (used only if ``perishable``)."""

    perishable: bool
    rates: ChannelRates
    first: bool
    shelf_life_min: float
    sampled: bool
    rapid_min: float
    lab: AgencyCase
    appointment_min: float


class PerishableDraws:
    """The perishable class's streams of one process: one draw of each per shipment."""

    __slots__ = (
        "_appointment",
        "_bench",
        "_perishable",
        "_rapid",
        "_report",
        "_sampled",
        "_shelf",
        "_transport",
        "spec",
    )

    def __init__(self, spec: PerishableSpec, samplers: ProcessSamplers) -> None:
        self.spec = spec
        durations, uniforms = samplers.durations, samplers.uniforms
        self._perishable = uniforms(Purpose.ATTRIBUTES, "perishable")
        self._shelf = durations(Purpose.ATTRIBUTES, "shelf_life", spec.shelf_life_min)
        self._sampled = uniforms(Purpose.INSPECTION, "perishable_sampling")
        lab = spec.laboratory
        self._transport = durations(Purpose.TRANSPORT, "lab_transport", lab.transport_min)
        self._bench = durations(Purpose.SERVICE, "lab_bench", lab.bench_min)
        self._report = durations(Purpose.INSPECTION, "lab_report", lab.report_min)
        self._rapid = durations(Purpose.INSPECTION, "rapid_test", spec.rapid_test_min)
        self._appointment = durations(
            Purpose.INSPECTION, "appointment_lead", spec.appointment_lead_min
        )

    def draw(self, is_import: bool) -> FreshDraw:
        """The next shipment's draws; only an import can be perishable."""
        spec = self.spec
        # Every stream advances once per shipment, perishable or not, rule on or off.
        u = self._perishable()
        shelf, sampled_u = self._shelf(), self._sampled()
        lab = AgencyCase(
            sampled=True,
            transport_min=self._transport(),
            bench_min=self._bench(),
            report_min=self._report(),
        )
        rapid, appointment = self._rapid(), self._appointment()
        return FreshDraw(
            perishable=is_import and u < spec.share,
            rates=spec.risk,
            first=spec.green_channel,
            shelf_life_min=shelf,
            sampled=sampled_u < spec.sampling_share,
            rapid_min=rapid,
            lab=lab,
            appointment_min=appointment,
        )


def off_shift(facility: Facility, time_min: float) -> bool:
    """Whether ``facility``'s calendar has it closed at ``time_min``.

    ``closed`` holds the off-shift intervals ``[start, end)`` in time order.
    """
    closed = facility.closed
    index = bisect_right(closed, (time_min, float("inf"))) - 1
    return index >= 0 and closed[index][0] <= time_min < closed[index][1]
