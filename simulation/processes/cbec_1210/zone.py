"""The bonded zone of one 1210 process: its facilities, account book, sites and activity codes.

Both versions of the process (the reference model, :mod:`.reference`, and the fast path,
:mod:`.process`) set up the same zone, so the log registers its nodes, activities and outcomes in
the same order and the two logs can be compared code for code.
"""

from __future__ import annotations

from clearsim.models.bonded_import import BondedImportSpec
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility
from clearsim.simulation.kernel.network import Router
from clearsim.simulation.processes.bonded_stock import BondedStock
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.courier_waves import courier_waves


class BondedZone:
    """The collaborators of one 1210 process: facilities, stock, sites, activity codes, waves.

    ``next_wave_min`` gives, for a time, the first courier pickup at or after it.
    """

    def __init__(self, spec: BondedImportSpec, ctx: ProcessContext, stock: BondedStock) -> None:
        roles, log, facilities = spec.resources, ctx.log, ctx.facilities
        self.spec = spec
        self.env = ctx.env
        self.log = log
        self.router: Router = ctx.router
        self.control: RunControl = ctx.control
        self.stock = stock
        self.pickers: Facility = facilities[roles.picker]
        self.nonbonded_pickers: Facility = facilities[roles.nonbonded_picker]
        self.officers: Facility = facilities[roles.document_officer]
        self.xray_lines: Facility = facilities[roles.xray_line]
        self.unpack_officers: Facility = facilities[roles.unpack_officer]
        self.zone = log.node(spec.zone_node)
        self.origin = log.node(spec.stock.origin_node)
        self.destination_codes = {name: log.node(name) for name in spec.destinations}
        a, out = log.activity, log.outcome
        self.arrival, self.lodgement = a("arrival"), a("lodgement")
        self.release, self.exit, self.delivery = a("release"), a("exit"), a("delivery")
        self.batch_dispatch = a("batch_dispatch", milestone=True)
        self.account_entry = a("bonded_account_entry", milestone=True)
        self.road_transport, self.entry_declaration = a("road_transport"), a("entry_declaration")
        self.spot_check = a("spot_check")
        self.data_push, self.auto_review = a("data_push"), a("auto_review")
        self.data_correction, self.document_review = a("data_correction"), a("document_review")
        self.pick_pack, self.xray_check = a("pick_pack"), a("xray_check")
        self.unpack_check, self.courier_wait = a("unpack_check"), a("courier_wait")
        self.gate_association = a("gate_association")
        self.nonbonded_pick_pack = a("nonbonded_pick_pack")
        self.nonbonded_courier_wait = a("nonbonded_courier_wait")
        self.nonbonded_handover = a("nonbonded_handover")
        self.nonbonded_transport = a("nonbonded_road_transport")
        name = spec.name
        self.stock_shortage = out(name, "stock_shortage")
        self.out_of_stock_cancelled = out(name, "out_of_stock_cancelled")
        self.three_document_mismatch = out(name, "three_document_mismatch")
        self.mismatch_cancelled = out(name, "mismatch_cancelled")
        self.over_limit_rejected = out(name, "over_limit_rejected")
        self.indivisible_full_duty = out(name, "indivisible_full_duty")
        self.split_two_parcels = out(name, "split_two_parcels")
        self.one_parcel_mixed = out(name, "one_parcel_mixed")
        x = spec.exit_supervision
        self.next_wave_min = courier_waves(
            x.courier_wave_interval_min, x.courier_first_wave_h, x.courier_last_wave_h
        )
