"""The sea-import declarant: the goods' attributes, its documents' readiness, and the rules.

A declaration can be lodged once the documents it needs are ready. Which documents it needs is
set by the rules (a conventional declaration, 提前申报 advance declaration, a 两步申报 two-step
summary and its complete declaration); when they are ready is the declarant's behaviour, the same
in every scenario (calibrated once on the baseline, house rule 13).

Every field says its role in ``json_schema_extra``: ``rule`` (a switch or a parameter of a rule
a reform sets), ``take_up`` (a participation share a reform sets); a field without a role is
behaviour or environment, which no reform file may change.
"""

from __future__ import annotations

from pydantic import Field

from clearsim.models.base import FrozenSpec
from clearsim.models.distributions import Duration
from clearsim.models.roles import role


class DocumentReadiness(FrozenSpec):
    """When one document is ready: ``offset_min`` from the goods' arrival plus a drawn delay.

    A negative offset lets the document be ready before the goods arrive (the seller's invoice
    travels ahead of the vessel).
    """

    offset_min: float = Field(description="Earliest readiness, minutes from arrival (< 0: before).")
    delay_min: Duration = Field(description="Drawn delay after the offset.")

    @property
    def mean_from_arrival_min(self) -> float:
        """Mean readiness, minutes from the goods' arrival."""
        return self.offset_min + self.delay_min.mean


class DocumentsSpec(FrozenSpec):
    """The goods' attributes and each document's readiness (behaviour, shared by every scenario).

    Per box: is it taxable (涉税), licence-bearing (涉证), subject to inspection and quarantine
    (涉检), each from its own stream; when the manifest, the commercial documents, a licence and
    the inspection and quarantine documents are ready (the seller, the carrier, the authorities:
    minutes from arrival); how long the declarant's own classification and valuation take from
    when it starts work; and its preparation once the last document it needs is in hand.
    """

    taxable_share: float = Field(ge=0, le=1, description="Share of boxes whose goods pay duty/VAT.")
    licence_share: float = Field(
        ge=0, le=1, description="Share of boxes whose goods need an import licence or certificate."
    )
    inspection_share: float = Field(
        ge=0, le=1, description="Share of boxes whose goods are subject to inspection/quarantine."
    )
    manifest_lead_min: Duration = Field(
        description="Manifest (bill of lading) data at customs this long before arrival: from "
        "the carrier's departure (GACC 2014 No.74)."
    )
    commercial: DocumentReadiness = Field(description="Commercial invoice and packing list.")
    licence: DocumentReadiness = Field(description="Licence, for licence-bearing goods.")
    inspection: DocumentReadiness = Field(
        description="Inspection and quarantine documents, for goods subject to inspection."
    )
    valuation_work_min: Duration = Field(
        description="The declarant's classification and customs valuation (the tax data of a "
        "complete declaration), from when it starts work: the goods' arrival for a conventional "
        "declaration, the manifest for an advance one."
    )
    preparation_min: Duration = Field(
        description="The declarant's preparation once the last document needed is ready."
    )


class TwoStepSpec(FrozenSpec):
    """两步申报 (S24): release on a summary declaration; the complete one follows off the path.

    Rules only: who takes part, how long the guarantee of a taxable box takes, and the deadline
    of the complete declaration. When each step can be lodged follows from the documents
    (:class:`DocumentsSpec`) and the rules of :mod:`clearsim.simulation.processes.declarant`.
    """

    share: float = Field(
        gt=0,
        le=1,
        description="Share of declarations lodged in two steps.",
        json_schema_extra=role("take_up"),
    )
    guarantee_min: Duration = Field(
        description="Guarantee for the duty of taxable goods (replaces payment).",
        json_schema_extra=role("rule"),
    )
    deadline_days: float = Field(
        default=14.0,
        gt=0,
        description="Complete declaration due this long after arrival (S24).",
        json_schema_extra=role("rule"),
    )


class SeaImportDeclarationSpec(FrozenSpec):
    """How sea-import declarations are lodged: take-up of the modes, documents, the rules."""

    advance_share: float = Field(
        ge=0,
        le=1,
        description="Share of declarants lodging in advance (提前申报): from the manifest on.",
        json_schema_extra=role("take_up"),
    )
    documents: DocumentsSpec
    two_step: TwoStepSpec | None = Field(
        default=None,
        description="两步申报; absent: every declaration is lodged in one step.",
        json_schema_extra=role("rule"),
    )
