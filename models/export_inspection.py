"""Inspection of export goods and the export reforms acting on it, shared by the export processes.

Two checks can stop export goods (docs/background/cbec-export-model.md):

* the **statutory inspection** (法定检验) of goods on the catalogue of goods subject to it: the
  customs inspection office samples and inspects a consignment at the exporter's premises before
  it may be declared. Under **batch inspection** (出口批次检验, SEED-003 s8) one inspection covers
  a production batch: a pilot exporter's later consignments from an inspected batch go on its
  result, without an inspection of their own;
* the **physical check** (查验) of a declaration the risk engine selects: the goods are taken to
  the inspection area of the port or centre and examined on a lane. Under **remote inspection**
  (远程属地查检 and video inspection of export goods, SEED-003 s8, s12) an officer examines
  qualifying goods by video at the exporter's premises: no transfer, no lane.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.distributions import Count, Duration
from clearsim.models.roles import role


class BatchInspectionSpec(FrozenSpec):
    """出口批次检验 (SEED-003 s8): one statutory inspection per production batch."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of statutory-inspection consignments whose exporter is in the pilot.",
        json_schema_extra=role("take_up"),
    )


class ExportRemoteInspectionSpec(FrozenSpec):
    """Video inspection of export goods at the exporter's premises (SEED-003 s8, s12)."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of physical checks whose goods qualify and whose exporter opts in.",
        json_schema_extra=role("take_up"),
    )
    video_min: Duration = Field(
        description="An officer's video examination of the goods.", json_schema_extra=role("rule")
    )


class ExportInspectionSpec(FrozenSpec):
    """The statutory inspection and the physical check of export goods, with their reforms."""

    statutory_share: float = Field(
        ge=0, le=1, description="Share of consignments of goods subject to statutory inspection."
    )
    consignments_per_batch: Count = Field(
        description="Consignments an exporter ships from one production batch."
    )
    statutory_inspection_min: Duration = Field(
        description="Request to result of a statutory inspection (sampling, inspection)."
    )
    physical_share: float = Field(
        ge=0, le=1, description="Share of declarations the risk engine selects for a check."
    )
    physical_min: Duration = Field(description="An officer's examination on a lane.")
    batch: BatchInspectionSpec = Field(
        default=BatchInspectionSpec(), json_schema_extra=role("rule")
    )
    remote: ExportRemoteInspectionSpec | None = Field(
        default=None,
        description="Video inspection of export goods; absent: every check at the inspection area.",
        json_schema_extra=role("rule"),
    )

    @model_validator(mode="after")
    def _switches(self) -> ExportInspectionSpec:
        if self.batch.enabled and self.batch.share <= 0:
            raise ValueError("batch inspection is enabled with share 0; set a share > 0")
        if self.remote is not None and self.remote.enabled and self.remote.share <= 0:
            raise ValueError("remote inspection is enabled with share 0; set a share > 0")
        return self

    def remote_share(self) -> float:
        """Share of physical checks done by video (0 without the reform)."""
        remote = self.remote
        return remote.share if remote is not None and remote.enabled else 0.0

    def batch_share(self) -> float:
        """Share of statutory-inspection consignments under batch inspection (0 without it)."""
        return self.batch.share if self.batch.enabled else 0.0
