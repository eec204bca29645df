"""What the export tables share: which cases are export lists, their links, exporters, values.

Read once from the log's links (``EventLog.link``) and the case table, vectorised over case ids:

* the **lists**: declared shipment cases of the CBEC and 1039 export modes (one list or
  declaration each);
* each case's **conveyance** (``carried_by``; a 1039 consignment's through its container), its
  **container or ULD** and its **consolidated declaration** (``consolidated_in``), its **order**
  (``part_of``), and the number of declaration lines declared in it (``declared_in``);
* each case's **exporter** (an enterprise of role ``trader``): the case's own assignment, except
  that a B2B consignment takes its order's and a list its consolidated declaration's, and the
  declarations consolidated in one period get distinct exporters (one per exporter, S60, S61);
* each list's **value**: the simulated one where the process stored it (9710, 9810 and 1039
  goods), else a synthetic draw;
* each list's **destination country** (ISO 3166-1 alpha-2): the country of the process's own
  destination where it has one (Duisburg: ``DE``), else a draw by the conveyance it left on [E].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clearsim.flows.dataset.context import BuildContext
from clearsim.flows.dataset.customs import SUPERVISION_CODES
from clearsim.flows.dataset.parties import synthetic_rng

EXPORT_MODES = ("cbec_9610", "cbec_1210", "cbec_9710", "cbec_9810", "market_1039")
"""Modes whose export cases are declared on a list or declaration of ``export_lists``."""
UNITS = ("container", "uld")
CONSOLIDATED = "consolidated_declaration"
NODE_COUNTRIES = {"DUISBURG_RAIL": "DE"}
"""Country of a process's overseas destination node."""
DESTINATIONS = {
    "flight": (("US", "GB", "DE", "FR", "JP", "KR", "AU"), (0.35, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1)),
    "train": (("DE", "PL", "CZ", "NL", "HU", "FR"), (0.4, 0.2, 0.1, 0.1, 0.1, 0.1)),
    "vessel": (("US", "AE", "SA", "NG", "BR", "ID"), (0.3, 0.2, 0.15, 0.1, 0.15, 0.1)),
}
"""Destination countries and shares by conveyance [E]: no published split was found."""
PARCEL_VALUE_CNY = (120.0, 0.9)
"""Median and log-sd of a 9610 or 1210 export parcel's value [E] (the run draws none)."""


@dataclass(frozen=True)
class ExportFacts:
    """Arrays over case ids (-1 or empty where a case has none)."""

    lists: np.ndarray
    carrier: np.ndarray
    unit: np.ndarray
    consolidated: np.ndarray
    order: np.ndarray
    lines: np.ndarray
    exporter: np.ndarray
    value: np.ndarray
    value_simulated: np.ndarray
    destination: np.ndarray
    code: np.ndarray
    """Supervision code of every case of an export mode, else empty."""


def _targets(ctx: BuildContext, qualifier: str, types: tuple[str, ...]) -> np.ndarray:
    """For each case, the last case it links to with ``qualifier`` of one of ``types``."""
    n, kinds = ctx.digest.n_cases, ctx.facts.object_type
    target = np.full(n, -1, dtype=np.int64)
    for source, other, q in ctx.digest.links:
        if q == qualifier and kinds[other] in types:
            target[source] = other
    return target


def _exporters(ctx: BuildContext, order: np.ndarray, consolidated: np.ndarray) -> np.ndarray:
    facts = ctx.facts
    exporter = ctx.parties["trader"].copy()
    has_order = order >= 0
    exporter[has_order] = exporter[order[has_order]]
    rng = synthetic_rng(ctx.streams, "consolidated_exporters")
    ids = np.array(ctx.enterprises.table.column("enterprise_id").to_pylist(), dtype=object)
    traders = ids[ctx.enterprises.by_role["trader"]]
    declarations = np.flatnonzero(facts.object_type == CONSOLIDATED)
    groups: dict[tuple[str, int], list[int]] = {}
    for case in declarations.tolist():
        groups.setdefault((str(facts.process[case]), int(facts.first_ms[case])), []).append(case)
    for key in sorted(groups):
        group = groups[key]
        picks = rng.choice(len(traders), size=len(group), replace=len(group) > len(traders))
        exporter[np.array(group)] = traders[picks]
    inside = consolidated >= 0
    exporter[inside] = exporter[consolidated[inside]]
    return exporter


def export_facts(ctx: BuildContext) -> ExportFacts:
    """The :class:`ExportFacts` of a dataset."""
    facts, digest = ctx.facts, ctx.digest
    n = digest.n_cases
    export = (facts.direction == "export") & np.isin(facts.mode, EXPORT_MODES)
    lists = np.flatnonzero(export & facts.declared)
    carrier = _targets(ctx, "carried_by", ("flight", "train", "vessel", "truck"))
    unit = _targets(ctx, "consolidated_in", UNITS)
    through = (carrier < 0) & (unit >= 0)
    carrier[through] = carrier[unit[through]]
    consolidated = _targets(ctx, "consolidated_in", (CONSOLIDATED,))
    order = _targets(ctx, "part_of", ("b2b_order",))
    lines = np.zeros(n, dtype=np.int64)
    for _, other, q in digest.links:
        if q == "declared_in":
            lines[other] += 1
    code = np.full(n, "", dtype=object)
    code[export] = [SUPERVISION_CODES[m] for m in facts.mode[export]]
    value, simulated = _values(ctx, lists)
    return ExportFacts(
        lists=lists,
        carrier=carrier,
        unit=unit,
        consolidated=consolidated,
        order=order,
        lines=np.where(lines > 0, lines, 1),
        exporter=_exporters(ctx, order, consolidated),
        value=value,
        value_simulated=simulated,
        destination=_destinations(ctx, lists, carrier),
        code=code,
    )


def _values(ctx: BuildContext, lists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = ctx.digest.n_cases
    value = np.full(n, np.nan)
    simulated = np.zeros(n, dtype=bool)
    goods = ctx.digest.cases.goods
    rng = synthetic_rng(ctx.streams, "export_values")
    median, sigma = PARCEL_VALUE_CNY
    drawn = np.round(median * np.exp(sigma * rng.standard_normal(len(lists))), 2)
    for k, case in enumerate(lists.tolist()):
        g = goods[case]
        if g is None:
            value[case] = drawn[k]
        else:
            value[case], simulated[case] = round(g.value_cny, 2), True
    return value, simulated


def _destinations(ctx: BuildContext, lists: np.ndarray, carrier: np.ndarray) -> np.ndarray:
    facts, cases = ctx.facts, ctx.digest.cases
    country = np.full(ctx.digest.n_cases, "", dtype=object)
    rng = synthetic_rng(ctx.streams, "export_destinations")
    u = rng.random(len(lists))
    for k, case in enumerate(lists.tolist()):
        known = NODE_COUNTRIES.get(cases.destination[case])
        if known is not None:
            country[case] = known
            continue
        kind = str(facts.object_type[carrier[case]]) if carrier[case] >= 0 else "flight"
        names, shares = DESTINATIONS.get(kind, DESTINATIONS["flight"])
        pick = int(np.searchsorted(np.cumsum(shares), u[k] * sum(shares), side="right"))
        country[case] = names[min(pick, len(names) - 1)]
    return country
