"""The cause of every activity the processes record: the one table cause attribution reads.

Each activity has two causes (:data:`~clearsim.models.vocabulary.CAUSES`): its ``own``, for the
time from its start to its complete (a resource's service, a trip, a party's step, a hold), and
its ``gap``, for time before it that no step of the case covers, which it ends: a declaration's
review waits on nobody but the declarant, a box's discharge on its vessel's berth (carrier and
port), a truck's gate-in on the consignee. The time an activity spends queued for its resource,
between its schedule and its start, is queueing or calendar wait, split by the resource's
calendar (:mod:`clearsim.simulation.metrics.attribution`). ``tests/test_attribution.py`` fails
when a process registers an activity missing here.
"""

from __future__ import annotations

from typing import NamedTuple


class ActivityCause(NamedTuple):
    """The cause of an activity's own time and of uncovered time that it ends."""

    own: str
    gap: str


def _c(own: str, gap: str = "carrier") -> ActivityCause:
    return ActivityCause(own, gap)


ROOTS: tuple[str, ...] = ("lodgement",)
"""Activities a case's earlier steps do not gate: the declarant lodges at a time of their own
choosing (the walk stops there; the time before it in a segment is its ``gap`` cause)."""

END_GAPS: dict[str, str] = {
    "arrival": "carrier",
    "lodgement": "declarant",
    "release": "carrier",
    "exit": "carrier",
    "delivery": "consignee",
    "departure": "carrier",
    "feeder_departure": "carrier",
    "transshipment_arrival": "transport",
    "export_confirmed": "carrier",
}
"""Cause of uncovered time just before a segment's end milestone: before a release without a
pending step, the case waits for its vessel's or train's arrival confirmation; before the arrival
of a transit corridor (``border_entry->arrival``), the train carries it, border stop included;
before an export's departure, the goods wait for their flight, train or vessel to leave; before
a feeder departure, for the river feeder to finish loading and sail; before a transshipment
arrival, the feeder carries the box to the hub port; before the departure confirmation, the
carrier's manifest is reconciled with the declaration."""

ACTIVITY_CAUSES: dict[str, ActivityCause] = {
    # Milestones that end or begin a walk.
    "lodgement": _c("declarant", "declarant"),
    # Declaration (every cargo process): the declarant's and customs' steps.
    "risk_screening": _c("service", "declarant"),
    "document_review": _c("service", "declarant"),
    "tax_payment": _c("declarant", "declarant"),
    "guarantee": _c("declarant", "declarant"),
    "data_push": _c("declarant", "declarant"),
    "auto_review": _c("service", "declarant"),
    "list_matching": _c("service", "declarant"),
    "data_correction": _c("hold", "declarant"),
    "entry_declaration": _c("declarant", "declarant"),
    "bonded_entry_check": _c("service", "declarant"),
    "transit_formalities": _c("service"),
    "document_preparation": _c("declarant", "declarant"),
    "statutory_inspection": _c("service", "declarant"),
    # The train's own transit steps at the border (its case; a box records transit_formalities).
    "transit_declaration": _c("service"),
    "transit_party_checks": _c("service"),
    "transit_sealing": _c("service"),
    "transit_closure": _c("service"),
    "transfer_formalities": _c("service"),
    "electronic_check": _c("service"),
    "arrival_check": _c("service"),
    "arrival_report": _c("service"),
    # CBEC export to overseas warehouses (9810): the exporter's filing and the declarant's data.
    "warehouse_registration": _c("declarant", "declarant"),
    "booking_data": _c("declarant", "declarant"),
    # Inspection.
    "inspection_planning": _c("service"),
    "inspection": _c("service"),
    "video_inspection": _c("service"),
    "destination_inspection": _c("service", "consignee"),
    "spot_check": _c("service"),
    "xray_check": _c("service"),
    "xray_scan": _c("service"),
    "unpack_check": _c("service"),
    "security_screening": _c("service"),
    "inspection_hold": _c("hold"),
    "yard_move": _c("service"),
    "inspection_transfer": _c("transport"),
    "return_transfer": _c("transport"),
    # Carriers: vessels, trains, flights (recorded on their own cases) and their discharge.
    "berth": _c("carrier"),
    "berthing": _c("carrier"),
    "unberthing": _c("carrier"),
    "border_handling": _c("carrier"),
    "stand": _c("carrier"),
    "discharge": _c("service"),
    "unloading": _c("service"),
    "offload": _c("service"),
    "aircraft_unloading": _c("service"),
    "loading": _c("service"),
    # Terminal and warehouse handling.
    "yard_stacking": _c("service"),
    "yard_retrieval": _c("service"),
    "breakdown": _c("service"),
    "build_up": _c("service"),
    "stuffing": _c("service"),
    "unstuffing": _c("service"),
    "restuffing": _c("service"),
    "advance_build_up": _c("service", "declarant"),
    "acceptance": _c("service", "declarant"),
    "apron_tally": _c("service"),
    "truck_unloading": _c("service"),
    "container_stuffing": _c("service"),
    "pick_pack": _c("service"),
    "nonbonded_pick_pack": _c("service"),
    "courier_sorting": _c("service"),
    "gate_association": _c("service"),
    "nonbonded_handover": _c("service"),
    # Moving the goods.
    "rail_transport": _c("transport"),
    "road_transport": _c("transport"),
    "nonbonded_road_transport": _c("transport"),
    "sealed_transfer": _c("transport"),
    "quay_transfer": _c("transport"),
    "quay_to_gate": _c("transport"),
    "tow_to_terminal": _c("transport"),
    "tow_to_stand": _c("transport"),
    "airside_tow": _c("transport"),
    "stand_delivery": _c("transport"),
    # Pick-up: the consignee's truck, the courier's waves.
    "truck_booking": _c("consignee", "consignee"),
    "gate_in": _c("service", "consignee"),
    "gate_out": _c("service", "consignee"),
    "dock_loading": _c("service", "consignee"),
    "apron_truck_loading": _c("service", "consignee"),
    # A truck of the pool, held from its grant until back from the consignee. It runs beside the
    # box's own steps, so a pickup's wait for a truck falls in gate_in's gap: the consignee's.
    "truck_trip": _c("transport", "consignee"),
    "courier_wait": _c("carrier"),
    "nonbonded_courier_wait": _c("carrier"),
    # 1039 market procurement: the trader's consolidation, the agent's declaration, the box.
    "consolidation": _c("declarant", "declarant"),
    "declaration_preparation": _c("declarant", "declarant"),
    "truck_wait": _c("carrier"),
    # 1210 special-zone export: the seller's stock, the zone's gate, the truck and the airline.
    "stock_wait": _c("declarant", "declarant"),
    "receiving": _c("service"),
    "entry_check": _c("service"),
    "parcel_check": _c("service"),
    "zone_gate": _c("service"),
    "airline_handover": _c("carrier"),
    "consolidated_declaration": _c("declarant", "declarant"),
    # 9610 export: bags for the flight, the shuttle to the airport, the carrier's departure data,
    # the exporter's monthly consolidated declaration (its own case; the goods never wait for it).
    "flight_sorting": _c("service"),
    "shuttle_wait": _c("carrier"),
    "airport_transfer": _c("transport"),
    "departure_data": _c("carrier"),
    "declaration_consolidation": _c("declarant", "declarant"),
    # Perishable air imports: the green channel's rapid test of a sample and, under 7x24 appointment
    # inspection, the wait from the appointment request to the off-hours team's slot.
    "rapid_test": _c("service"),
    "appointment_wait": _c("calendar"),
    # The inspection and agency layer (docs/reference/processes/agency.md): the permit before
    # the declaration, the sample's path to a result, joint, CBZ and conformity inspection.
    "quarantine_approval": _c("service", "declarant"),
    "sample_transport": _c("transport"),
    "lab_test": _c("service"),
    "lab_report": _c("service"),
    "third_party_check": _c("service"),
    "joint_port_check": _c("service"),
    "bonded_transfer": _c("transport", "consignee"),
    "cbz_inspection": _c("service"),
    "conformity_inspection": _c("service"),
    "conformity_assessment": _c("service"),
    "conformity_check": _c("service", "consignee"),
    # The sea import's upstream chain from Shanghai (sea_import/feeder.py); its transit
    # declaration is the rail corridor's transit_declaration (service).
    "ocean_discharge": _c("carrier"),
    "transshipment": _c("transport"),
    "transit_preparation": _c("declarant"),
    "feeder_wait": _c("carrier"),
    "feeder_voyage": _c("transport"),
    # China-Europe rail export (docs/reference/processes/rail_export.md): transit goods accepted
    # at the terminal, LCL goods waiting for their box's other goods, the border's checks.
    "transit_acceptance": _c("service"),
    "consolidation_wait": _c("carrier"),
    "transit_box_checks": _c("service"),
    "seal_check": _c("service"),
    # The sea export's onward chain (sea-export-model.md; its voyage is feeder_voyage above):
    # the box's discharge at the hub port and, conventionally, its move and second procedure.
    "hub_discharge": _c("service", "transport"),
    "hub_transfer": _c("transport"),
    "hub_procedure": _c("service", "declarant"),
    # Import yard slots: a box's slot, held from its landing until lifted onto its truck. It runs
    # beside the box's steps (the time a crane waits for a slot is inside its discharge); held
    # until the consignee's truck comes.
    "yard_dwell": _c("consignee", "carrier"),
    # 集卡预约: waiting for a window with a free slot is the terminal's gate capacity; a
    # window missed by a no-show truck is the consignee's (its trucker's).
    "truck_appointment": _c("queueing", "consignee"),
    "missed_appointment": _c("consignee", "consignee"),
    # Bonded warehouse positions: the goods in bond, after delivery into the zone (outside the
    # TRS segments); their stay is the importer's.
    "bonded_stay": _c("declarant", "consignee"),
    # Air chains: the ULD pool and the city cargo terminal.
    "uld_wait": _c("queueing"),
    "uld_hold": _c("carrier"),
    "sealing": _c("service"),
    "manifest_transfer": _c("service"),
}
"""Causes of every activity with a duration the built-in processes register. A station-flow
stage (named in its scenario) is served at a resource: its own time is ``service``."""

STAGE_CAUSE = ActivityCause("service", "service")
"""The cause of an activity missing from :data:`ACTIVITY_CAUSES` (a station-flow stage)."""


def activity_cause(name: str) -> ActivityCause:
    """The causes of activity ``name`` (:data:`STAGE_CAUSE` for a station-flow stage)."""
    return ACTIVITY_CAUSES.get(name, STAGE_CAUSE)
