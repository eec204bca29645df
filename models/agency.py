"""The inspection and other-agency layer: sampling, approvals, conformity, CBZ inspection.

Sampling and laboratory tests, quarantine approval, conformity assessment of equipment, and the
CBZ's designated meat inspection site. Each block is optional: absent, the process runs exactly
as without the layer. The blocks are shared by the processes that use them (sea import, rail
import; the air cargo's perishables use the laboratory); the background and the source of
every default are in docs/background/agency-model.md.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.distributions import Duration
from clearsim.models.roles import role


class LaboratorySpec(FrozenSpec):
    """The laboratory a sample is sent to: a scenario resource (capacity, calendar) and times."""

    resource: str = Field(
        min_length=1, description="Scenario resource of the laboratory's test benches."
    )
    transport_min: Duration = Field(description="The sample's trip to the laboratory.")
    bench_min: Duration = Field(description="Bench time of one test (holds one bench).")
    report_min: Duration = Field(
        description="From the bench to the result in the customs system (report, sign-off)."
    )


class WhiteListSpec(FrozenSpec):
    """进口危险化学品白名单 (SEED-003 s10; SEED-000 s6): white-listed importers are sampled less."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    take_up: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of consignments of white-listed importers.",
        json_schema_extra=role("take_up"),
    )
    sampling_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Reduced share of their inspected consignments that are sampled.",
        json_schema_extra=role("rule"),
    )


class ThirdPartySpec(FrozenSpec):
    """第三方采信 (SEED-003 s6): an accredited laboratory's report is checked instead of a test."""

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    take_up: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of sampled consignments that come with an accredited lab's report.",
        json_schema_extra=role("take_up"),
    )
    check_min: Duration = Field(
        description="An officer checks the report (instead of the laboratory test).",
        json_schema_extra=role("rule"),
    )


class SamplingSpec(FrozenSpec):
    """取样送检: a share of physically inspected consignments is sampled and tested in a lab.

    The sample is taken during the examination (``sampling_min`` more on the lane, or at the
    consignee's site under joint inspection); release waits for the result while the goods
    wait in the yard.
    """

    share: float = Field(
        ge=0,
        le=1,
        description="Share of physically inspected consignments sampled.",
        json_schema_extra=role("rule"),
    )
    sampling_min: Duration = Field(description="Taking the sample during the examination.")
    laboratory: LaboratorySpec
    white_list: WhiteListSpec = WhiteListSpec()
    third_party: ThirdPartySpec | None = Field(
        default=None, description="Third-party results accepted; absent: never."
    )

    @model_validator(mode="after")
    def _white_list(self) -> SamplingSpec:
        if self.white_list.enabled and self.white_list.take_up <= 0:
            raise ValueError("white_list is enabled with take_up 0; set a take_up > 0")
        return self


class QuarantineApprovalSpec(FrozenSpec):
    """检疫审批 (SEED-003 s5; S8): goods needing a permit cannot be declared before it is granted.

    The importer applies ``application_lead_min`` before the goods arrive (behaviour); the permit
    is granted ``working_days`` of the approving office later (office time: the calendar of the
    process's document officers), or on application (即报即批/即报即审) for a qualifying one.
    """

    share: float = Field(ge=0, le=1, description="Share of consignments whose goods need a permit.")
    application_lead_min: Duration = Field(
        description="How long before the goods' arrival the importer applies for the permit."
    )
    working_days: float = Field(
        ge=0,
        description="Permit lead time in working days of the approving office.",
        json_schema_extra=role("rule"),
    )
    instant: bool = Field(
        default=False,
        description="即报即批: qualifying applications are granted on application.",
        json_schema_extra=role("rule"),
    )
    instant_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of applications that qualify for instant approval.",
        json_schema_extra=role("take_up"),
    )

    @model_validator(mode="after")
    def _instant(self) -> QuarantineApprovalSpec:
        if self.instant and self.instant_share <= 0:
            raise ValueError("instant approval is on with instant_share 0; set a share > 0")
        return self


class CbzInspectionSpec(FrozenSpec):
    """港区直接查验 (SEED-001 s12; SEED-002): meat examined at the CBZ's designated site.

    Conventionally meat containers are examined at the port's designated meat inspection area
    (the process's inspection lanes). With the switch on, a participating importer's container is
    moved under bond to the CBZ node and examined there on its own lanes, then delivered.
    """

    enabled: bool = Field(default=False, json_schema_extra=role("rule"))
    take_up: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of meat consignments whose importer uses the CBZ site.",
        json_schema_extra=role("take_up"),
    )
    node: str = Field(description="The CBZ's designated inspection site (a network node).")
    lanes: str = Field(description="Scenario resource: the CBZ site's inspection lanes.")
    duration_min: Duration = Field(description="Examination on a CBZ lane (cold store at hand).")

    @model_validator(mode="after")
    def _take_up(self) -> CbzInspectionSpec:
        if self.enabled and self.take_up <= 0:
            raise ValueError("cbz_inspection is enabled with take_up 0; set a take_up > 0")
        return self


class SeaAgencySpec(FrozenSpec):
    """The agency layer of a sea-import goods stream (every container of the process)."""

    sampling: SamplingSpec | None = Field(default=None, json_schema_extra=role("rule"))
    quarantine_approval: QuarantineApprovalSpec | None = Field(
        default=None, json_schema_extra=role("rule")
    )
    cbz_inspection: CbzInspectionSpec | None = Field(default=None, json_schema_extra=role("rule"))

    def offered_work_per_box(self, red: float) -> dict[str, float]:
        """Expected server-minutes per box on the layer's resources, given the red share.

        An upper bound: every red box counts as physically inspected and sampled at the full
        share (the white list only lowers it).
        """
        work: dict[str, float] = {}
        sampling, cbz = self.sampling, self.cbz_inspection
        if sampling is not None:
            third = sampling.third_party
            tested = 1 - (third.take_up if third is not None and third.enabled else 0.0)
            lab = sampling.laboratory
            work[lab.resource] = red * sampling.share * tested * lab.bench_min.mean
        if cbz is not None and cbz.enabled:
            work[cbz.lanes] = work.get(cbz.lanes, 0.0) + red * cbz.take_up * cbz.duration_min.mean
        return work


ConformityMode = Literal["inspection", "documents", "guarantee"]


class ConformitySpec(FrozenSpec):
    """符合性评估/合格保证 (SEED-003 s9): imported equipment as legally inspected goods.

    ``inspection``: the equipment is inspected on a lane before release (conventional).
    ``documents``: an officer assesses the conformity documents instead (符合性评估).
    ``guarantee``: the importer's guarantee of conformity (合格保证) releases the goods; an
    officer's later check at the consignee's site is off the release path.
    """

    share: float = Field(
        ge=0, le=1, description="Share of containers carrying equipment subject to inspection."
    )
    mode: ConformityMode = Field(default="inspection", json_schema_extra=role("rule"))
    take_up: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of equipment consignments that qualify after risk assessment for a "
        "mode other than inspection.",
        json_schema_extra=role("take_up"),
    )
    inspection_min: Duration = Field(description="Conformity inspection of equipment on a lane.")
    assessment_min: Duration = Field(
        description="An officer assesses the conformity documents.", json_schema_extra=role("rule")
    )
    later_check_min: Duration = Field(
        description="Guarantee mode: the later check at the consignee's site.",
        json_schema_extra=role("rule"),
    )

    @model_validator(mode="after")
    def _take_up(self) -> ConformitySpec:
        if self.mode != "inspection" and self.take_up <= 0:
            raise ValueError(f"conformity mode {self.mode} with take_up 0; set a take_up > 0")
        return self


class RailAgencySpec(FrozenSpec):
    """The agency layer of a rail-import goods stream."""

    conformity: ConformitySpec | None = Field(default=None, json_schema_extra=role("rule"))
