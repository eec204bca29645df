"""The union of every clearance process a scenario can run, chosen in YAML by ``kind``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from models.direct_purchase import DirectPurchaseSpec
from models.processes import SeaImportSpec, StationFlowSpec

ProcessSpec = Annotated[
    SeaImportSpec | StationFlowSpec | DirectPurchaseSpec, Field(discriminator="kind")
]
"""Any clearance process, chosen in YAML by ``kind``."""
