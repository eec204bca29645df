"""Each reform's effect against its take-up, from a few traders to every one of them.

The catalogue compares reforms at one take-up (``CATALOGUE_TAKE_UP``); this table shows how each
effect grows with participation, as ``clearsim sweep FILE --take-up ...`` does for one file: the
reform with every take-up share it sets at one value, paired with its baseline (take-up 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from clearsim.analysis.statistics import paired_difference
from clearsim.flows.calibration.cases import Effect
from clearsim.flows.report.render import format_estimate
from clearsim.models.records import RunSummary
from clearsim.models.roles import CATALOGUE_TAKE_UP
from clearsim.scenarios.catalogue import SCENARIO_DIR
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.reform_rules import classify, differences

TAKE_UPS: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0)
"""The take-up shares of the table (0 is the baseline itself)."""


class SummaryRunner(Protocol):
    """Runs a catalogue file with dotted-path values set (the calibration flow's runner)."""

    def summaries(self, file: str, values: dict[str, float] | None = None) -> list[RunSummary]:
        """The replications of ``file`` with ``values`` set."""
        ...


def take_up_paths(reform: str, baseline: str) -> list[str]:
    """The take-up fields ``reform`` sets against ``baseline`` (empty: none).

    Against the baseline, not the file ``reform`` extends: two-step with advance declaration
    (which extends the two-step file) sets both take-up shares.
    """
    found = differences(
        load_scenario(SCENARIO_DIR / baseline), load_scenario(SCENARIO_DIR / reform)
    )
    if classify(found) != "reform":
        return []
    return [d.path for d in found if d.role == "take_up"]


def take_up_table(
    runner: SummaryRunner, effects: Sequence[Effect], segment: str = "arrival->release"
) -> str:
    """Δ mean ``segment`` (reform - baseline, paired) of each reform at each take-up share."""
    header = " | ".join(f"{share:.0%}" for share in TAKE_UPS)
    lines = [
        f"Δ mean {segment}, hours, reform - baseline paired by replication (± 95% CI half-width); "
        "each column sets every take-up share of the reform file to that value.",
        "",
        f"| reform | flow | {header} |",
        "|---|---|" + "--:|" * len(TAKE_UPS),
    ]
    seen: set[tuple[str, str, str]] = set()
    for effect in effects:
        paths = take_up_paths(effect.reform, effect.baseline)
        key = (effect.reform, effect.direction, effect.mode)
        if not paths or effect.channel != "all" or key in seen:
            continue
        seen.add(key)
        base = _means(runner.summaries(effect.baseline), effect, segment)
        cells = []
        for share in TAKE_UPS:
            values = None if share == CATALOGUE_TAKE_UP else dict.fromkeys(paths, share)
            reform = _means(runner.summaries(effect.reform, values), effect, segment)
            cells.append(format_estimate(paired_difference(reform, base), 1))
        lines.append(
            f"| {effect.label} (`{effect.reform}`) | {effect.direction} {effect.mode} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"


def _means(runs: Sequence[RunSummary], effect: Effect, segment: str) -> list[float]:
    found = []
    for summary in runs:
        (stat,) = [
            s
            for s in summary.segments
            if (s.direction, s.mode, s.segment, s.channel)
            == (effect.direction, effect.mode, segment, "all")
        ]
        found.append(stat.mean_h)
    return found
