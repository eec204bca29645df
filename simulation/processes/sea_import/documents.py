"""The draws of a sea-import declarant: the goods' attributes and each document's readiness.

Every attribute and every readiness time is drawn for every box, each from its own named
stream, whether or not the box's rules use it: the k-th box gets the same goods and the same
documents in every scenario (common random numbers), and a reform only changes which of them
the declaration waits for (:mod:`clearsim.simulation.processes.declarant`).
"""

from __future__ import annotations

from clearsim.models.declarant import DocumentReadiness, DocumentsSpec
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import DurationSampler, ProcessSamplers
from clearsim.simulation.processes.declarant import Documents, Goods


class _Readiness:
    """One document's readiness: its offset from arrival plus a delay from its own stream."""

    __slots__ = ("delay", "offset_min")

    def __init__(self, samplers: ProcessSamplers, label: str, spec: DocumentReadiness) -> None:
        self.offset_min = spec.offset_min
        self.delay: DurationSampler = samplers.durations(Purpose.DECLARATION, label, spec.delay_min)

    def __call__(self, arrival_min: float) -> float:
        return arrival_min + self.offset_min + self.delay()


class DocumentDraws:
    """Draws one box's goods, documents and preparation time from named streams."""

    __slots__ = (
        "commercial",
        "inspected",
        "inspection",
        "licence",
        "licence_bearing",
        "manifest_lead",
        "preparation",
        "spec",
        "taxable",
        "valuation_work",
    )

    def __init__(self, samplers: ProcessSamplers, spec: DocumentsSpec) -> None:
        self.spec = spec
        uniforms, durations = samplers.uniforms, samplers.durations
        self.taxable = uniforms(Purpose.ATTRIBUTES, "taxable")
        self.licence_bearing = uniforms(Purpose.ATTRIBUTES, "licence_bearing")
        self.inspected = uniforms(Purpose.ATTRIBUTES, "subject_to_inspection")
        self.manifest_lead = durations(Purpose.DECLARATION, "manifest_lead", spec.manifest_lead_min)
        self.commercial = _Readiness(samplers, "commercial_ready", spec.commercial)
        self.licence = _Readiness(samplers, "licence_ready", spec.licence)
        self.inspection = _Readiness(samplers, "inspection_ready", spec.inspection)
        self.valuation_work = durations(
            Purpose.DECLARATION, "valuation_work", spec.valuation_work_min
        )
        self.preparation = durations(Purpose.DECLARATION, "preparation", spec.preparation_min)

    def draw(self, arrival_min: float) -> tuple[Goods, Documents, float]:
        """The goods, the documents' readiness times and the preparation of a box arriving then."""
        spec = self.spec
        goods = Goods(
            taxable=self.taxable() < spec.taxable_share,
            licence_bearing=self.licence_bearing() < spec.licence_share,
            inspected=self.inspected() < spec.inspection_share,
        )
        docs = Documents(
            manifest_min=arrival_min - self.manifest_lead(),
            commercial_min=self.commercial(arrival_min),
            licence_min=self.licence(arrival_min),
            inspection_min=self.inspection(arrival_min),
            valuation_work_min=self.valuation_work(),
        )
        return goods, docs, self.preparation()
