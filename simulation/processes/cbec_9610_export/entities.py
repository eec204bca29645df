"""9610 export entities: sellers' trucks and parcels, each sampling its attributes at creation.

Every attribute a parcel might need on any path (list lead, data hold, risk flag, X-ray image,
unpacking, seizure, sorting, flight line, exporter, list regime, tax treatment, departure data)
is drawn when the parcel is created, each from its own named stream, in truck order, whether or
not it will use it. So the k-th parcel of a replication gets the same draws in every scenario
sharing the spec of that attribute (common random numbers). Trucks draw their arrival times and
their parcel count from streams parcels never touch, the count before the multiplier scales it,
so a peak-day variant sees the same trucks as its baseline. Shuttles to the airport draw the
pace of their trip by shuttle index, and consolidated declarations their lodgement by the order
in which they are made, each from a stream of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from clearsim.models.parcel_export import ParcelExportSpec
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import ProcessSamplers, choose, draw_counts
from clearsim.simulation.log.recorder import EventLog

REGIME_A, REGIME_B = "A", "B"
"""List regimes (statisticsFlag, S69): A 清单核放、汇总统计; B 清单核放、汇总申报."""

REFUND, EXEMPTION, NO_TREATMENT = 0, 1, 2
"""Export tax treatments: refund with invoices, exemption without invoices (无票免税), none."""


@dataclass(slots=True, eq=False)
class Truck:
    """One seller's (or consolidator's) truck bringing a batch of parcels to the centre."""

    case: int
    arrival_min: float
    setup_min: float
    dock_start_min: float = 0.0
    parcels: list[ExportParcel] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class ExportParcel:
    """One parcel under a 9610 export list (a shipment case), with pre-drawn attributes.

    ``index`` is its place in the truck's induction order; ``flagged`` means the risk engine
    flags its list, ``abnormal`` that its X-ray image is abnormal; either sends it to unpacking.
    ``line`` indexes the spec's flight lines; ``planned_index`` is the departure booked for it
    when it reaches the centre.
    """

    case: int
    truck: Truck
    index: int
    measured: bool
    line: int
    exporter: int
    regime: str
    treatment: int
    advance: bool
    lodgement_min: float
    matching_min: float
    incomplete: bool
    correction_min: float
    screening_min: float
    report_min: float
    xray_min: float
    flagged: bool
    abnormal: bool
    unpack_min: float
    seized: bool
    sorting_min: float
    data_min: float
    screened: simpy.Event
    reported: simpy.Event
    planned_index: int = 0

    @property
    def unpacked(self) -> bool:
        """Sent to an officer's unpacking: flagged list or abnormal X-ray image."""
        return self.flagged or self.abnormal


class ExportParcelFactory:
    """Creates trucks and parcels, drawing every attribute from its own stream."""

    def __init__(self, spec: ParcelExportSpec, streams: Streams) -> None:
        self.spec = spec
        self._streams = streams
        samplers = ProcessSamplers(streams, spec.name)
        durations, uniforms = samplers.durations, samplers.uniforms
        lst, ins, h, r = spec.parcel_list, spec.inspection, spec.handover, spec.regime
        self._setup = durations(Purpose.PORT_OPERATIONS, "dock_setup", spec.dock_setup_min)
        self._advance = uniforms(Purpose.DECLARATION, "advance")
        self._lead = durations(Purpose.DECLARATION, "advance_lead", lst.advance_lead_min)
        self._after = durations(Purpose.DECLARATION, "after_arrival", lst.after_arrival_delay_min)
        self._matching = durations(Purpose.DECLARATION, "list_matching", lst.matching_min)
        self._incomplete = uniforms(Purpose.DECLARATION, "data_incomplete")
        self._correction = durations(Purpose.DECLARATION, "data_correction", lst.correction_min)
        self._screening = durations(Purpose.RISK, "screening", lst.screening_min)
        self._report = durations(Purpose.GATE, "arrival_report", lst.arrival_report_min)
        self._flag = uniforms(Purpose.RISK, "risk_flag")
        self._xray = durations(Purpose.INSPECTION, "xray_scan", ins.xray_scan_min)
        self._image = uniforms(Purpose.INSPECTION, "abnormal_image")
        self._unpack = durations(Purpose.INSPECTION, "unpack_check", ins.unpack_min)
        self._seizure = uniforms(Purpose.INSPECTION, "seizure")
        self._sorting = durations(Purpose.SERVICE, "flight_sorting", h.sorting_min)
        self._data = durations(Purpose.TRANSPORT, "departure_data", h.departure_data_min)
        self._line = uniforms(Purpose.ROUTING, "flight_line")
        self._exporter = uniforms(Purpose.ATTRIBUTES, "exporter")
        self._regime = uniforms(Purpose.ATTRIBUTES, "list_regime")
        self._treatment = uniforms(Purpose.ATTRIBUTES, "tax_treatment")
        self._shuttle = uniforms(Purpose.TRANSPORT, "airport_shuttle")
        self._shuttle_u: list[float] = []
        self._consolidation = durations(Purpose.DECLARATION, "consolidation", r.consolidation_min)
        self._line_shares = tuple(line.share for line in spec.flights)
        self._treatment_shares = (r.refund_share, r.exemption_share, 1.0)

    def schedule(self, until_min: float) -> list[tuple[float, int]]:
        """(arrival minute, parcels) of every truck arriving before ``until_min``, in order."""
        spec = self.spec
        trucks = self._streams.generator(Purpose.ARRIVALS, spec.name, "trucks")
        batches = self._streams.generator(Purpose.BATCH_SIZE, spec.name, "parcels_per_truck")
        times = arrival_times(spec.truck_arrivals, trucks, until_min)
        counts = draw_counts(spec.parcels_per_truck, batches, len(times))
        return [
            (arrival_min, spec.scaled_parcels(count))
            for arrival_min, count in zip(times.tolist(), counts.tolist(), strict=True)
        ]

    def truck(
        self, env: simpy.Environment, log: EventLog, arrival_min: float, n: int, measured: bool
    ) -> Truck:
        """Create one truck and its ``n`` parcels, drawing their attributes in order."""
        spec = self.spec
        case = log.new_case(
            "truck", spec.name, shipment=False, direction="export", mode="cbec_9610"
        )
        truck = Truck(case=case, arrival_min=arrival_min, setup_min=self._setup())
        truck.parcels = [self._parcel(env, log, truck, k, measured) for k in range(n)]
        return truck

    def _parcel(
        self, env: simpy.Environment, log: EventLog, truck: Truck, index: int, measured: bool
    ) -> ExportParcel:
        spec = self.spec
        lst, ins, r = spec.parcel_list, spec.inspection, spec.regime
        advance = self._advance() < lst.advance_share
        lead, after = min(self._lead(), lst.advance_window_min), self._after()
        treatment = choose(self._treatment_shares, self._treatment())
        regime_u = self._regime()
        # A refund needs an export declaration, so a refund claim's list is consolidated (B).
        simplified = treatment != REFUND and regime_u < r.simplified_share
        regime = REGIME_A if simplified else REGIME_B
        arrival = truck.arrival_min
        case = log.new_case(
            "parcel",
            spec.name,
            direction="export",
            mode="cbec_9610",
            case_class=f"regime_{regime}",
            advance_declared=advance,
        )
        return ExportParcel(
            case=case,
            truck=truck,
            index=index,
            measured=measured,
            line=choose(self._line_shares, self._line()),
            exporter=min(int(self._exporter() * r.exporters), r.exporters - 1),
            regime=regime,
            treatment=treatment,
            advance=advance,
            lodgement_min=arrival - lead if advance else arrival + after,
            matching_min=self._matching(),
            incomplete=self._incomplete() < lst.incomplete_share,
            correction_min=self._correction(),
            screening_min=self._screening(),
            report_min=self._report(),
            xray_min=self._xray(),
            flagged=self._flag() < ins.risk_flag_share,
            abnormal=self._image() < ins.abnormal_image_share,
            unpack_min=self._unpack(),
            seized=self._seizure() < ins.seizure_share,
            sorting_min=self._sorting(),
            data_min=self._data(),
            screened=env.event(),
            reported=env.event(),
        )

    def shuttle_u(self, index: int) -> float:
        """The uniform fixing the pace of shuttle ``index``'s trip (drawn in shuttle order)."""
        while len(self._shuttle_u) <= index:
            self._shuttle_u.append(self._shuttle())
        return self._shuttle_u[index]

    def consolidation_min(self) -> float:
        """Period end to lodgement of the next consolidated declaration made."""
        return self._consolidation()
