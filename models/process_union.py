"""The union of every clearance process a scenario can run, chosen in YAML by ``kind``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from clearsim.models.air_cargo import AirCargoSpec
from clearsim.models.b2b_export import B2BExportSpec
from clearsim.models.bonded_export import BondedExportSpec
from clearsim.models.bonded_import import BondedImportSpec
from clearsim.models.direct_purchase import DirectPurchaseSpec
from clearsim.models.market_procurement import MarketProcurementSpec
from clearsim.models.parcel_export import ParcelExportSpec
from clearsim.models.processes import SeaImportSpec
from clearsim.models.rail_export import RailExportSpec
from clearsim.models.rail_import import RailImportSpec
from clearsim.models.sea_export import SeaExportSpec
from clearsim.models.station_flow import StationFlowSpec
from clearsim.models.warehouse_export import WarehouseExportSpec

ProcessSpec = Annotated[
    SeaImportSpec
    | StationFlowSpec
    | SeaExportSpec
    | RailImportSpec
    | AirCargoSpec
    | BondedImportSpec
    | DirectPurchaseSpec
    | B2BExportSpec
    | MarketProcurementSpec
    | BondedExportSpec
    | ParcelExportSpec
    | WarehouseExportSpec
    | RailExportSpec,
    Field(discriminator="kind"),
]
"""Any clearance process, chosen in YAML by ``kind``."""
