"""When a declaration can be lodged: the rules of the declaration modes over one box's documents.

Pure functions over times in minutes of simulation time, readable as the procedure:

- a conventional declaration is lodged after the goods arrive, once every document it needs is
  ready, plus the declarant's preparation;
- 提前申报 advance declaration (GACC Ann. 2014 No.74, S25) may be lodged before arrival, from when
  the manifest is at customs (after the carrier departs), still waiting for every document;
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
    valuation_min: float


def summary_ready_min(goods: Goods, docs: Documents) -> float:
    """When a two-step summary's documents are ready: manifest, licence, quarantine documents."""
    ready = docs.manifest_min
    if goods.licence_bearing:
        ready = max(ready, docs.licence_min)
    if goods.inspected:
        ready = max(ready, docs.inspection_min)
    return ready


def complete_ready_min(goods: Goods, docs: Documents) -> float:
    """When every document of a complete (or conventional) declaration is ready."""
    return max(summary_ready_min(goods, docs), docs.commercial_min, docs.valuation_min)


def lodgement_min(
    arrival_min: float, ready_min: float, preparation_min: float, *, advance: bool
) -> float:
    """When the declarant lodges: documents ready (and the goods arrived, unless in advance).

    An advance declarant starts from its documents alone: they include the manifest, which
    exists only after the carrier departs, so an advance declaration is never lodged before it.
    """
    start = ready_min if advance else max(arrival_min, ready_min)
    return start + preparation_min


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
    ready = summary_ready_min(goods, docs) if two_step else complete_ready_min(goods, docs)
    return lodgement_min(arrival_min, ready, preparation_min, advance=advance)


def complete_lodgement_min(goods: Goods, docs: Documents, preparation_min: float) -> float:
    """When a two-step complete declaration can be lodged: every document ready, prepared.

    It never waits for the goods (they have arrived and been released on the summary); the
    process lodges it after the release at the earliest.
    """
    return complete_ready_min(goods, docs) + preparation_min
