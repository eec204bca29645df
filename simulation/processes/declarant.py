"""When a declaration can be lodged: the rules of the declaration modes over one box's documents.

Pure functions over times in minutes of simulation time, readable as the procedure:

- the declarant starts work on a conventional declaration when the goods arrive (货到申报: it
  may not be lodged before), on an advance one (提前申报, GACC Ann. 2014 No.74, S25) as soon as
  the manifest is at customs, after the carrier departs;
- a conventional or advance declaration is lodged once every document it needs is ready and the
  declarant's classification and valuation, counted from its start, is done, plus preparation;
- a 两步申报 two-step summary (S24) needs only the manifest and the basic commercial data it
  carries, plus the licence of licence-bearing goods and the inspection and quarantine documents
  of goods subject to inspection; the complete declaration needs every document, as a
  conventional one does. With advance declaration ("两步申报+N") the summary, too, may be lodged
  from the manifest on.

The same readiness times feed every rule, so the effect of a mode comes from what it waits for.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Goods:
    """What the rules ask of one box's goods: duty, a licence, inspection and quarantine."""

    taxable: bool
    licence_bearing: bool
    inspected: bool


@dataclass(frozen=True, slots=True)
class Documents:
    """When each of one box's documents is ready, in minutes of simulation time.

    ``licence_min`` and ``inspection_min`` count only for goods that need them.
    """

    manifest_min: float
    commercial_min: float
    licence_min: float
    inspection_min: float
    valuation_work_min: float


def start_min(arrival_min: float, docs: Documents, *, advance: bool) -> float:
    """When the declarant starts work: the manifest (in advance) or the goods' arrival."""
    return docs.manifest_min if advance else arrival_min


def summary_ready_min(goods: Goods, docs: Documents, started_min: float) -> float:
    """When a two-step summary can be prepared: manifest, licence, quarantine documents."""
    ready = max(started_min, docs.manifest_min)
    if goods.licence_bearing:
        ready = max(ready, docs.licence_min)
    if goods.inspected:
        ready = max(ready, docs.inspection_min)
    return ready


def complete_ready_min(goods: Goods, docs: Documents, started_min: float) -> float:
    """When a complete (or conventional) declaration can be prepared: documents and valuation."""
    return max(
        summary_ready_min(goods, docs, started_min),
        docs.commercial_min,
        started_min + docs.valuation_work_min,
    )


def first_lodgement_min(
    arrival_min: float,
    goods: Goods,
    docs: Documents,
    preparation_min: float,
    *,
    advance: bool,
    two_step: bool,
) -> float:
    """When the declaration that lets the goods go is lodged: the summary, or the only one."""
    started = start_min(arrival_min, docs, advance=advance)
    ready = (
        summary_ready_min(goods, docs, started)
        if two_step
        else complete_ready_min(goods, docs, started)
    )
    return ready + preparation_min


def complete_lodgement_min(
    arrival_min: float, goods: Goods, docs: Documents, preparation_min: float, *, advance: bool
) -> float:
    """When a two-step complete declaration can be lodged: every document, valuation, prepared.

    The declarant's work started when its summary's did; the process lodges the complete
    declaration after the release at the earliest.
    """
    started = start_min(arrival_min, docs, advance=advance)
    return complete_ready_min(goods, docs, started) + preparation_min
