"""Calibration and reform effects of the shipped Wuhan scenarios, as markdown.

``python -m clearsim.flows.calibration.flow`` runs every scenario of
``clearsim.flows.calibration.cases`` with its own seed, puts each baseline's TRS figures beside the
published ones (docs/background/sources.md), and each reform's paired difference to its baseline
(common random numbers: same seed, same replications) with a t interval. ``docs/calibration.md``
shows its latest output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any

from clearsim.analysis.statistics import Estimate, mean_confidence_interval, paired_difference
from clearsim.flows.calibration.cases import (
    DOUBLE11_MULTIPLIERS,
    EFFECTS,
    WUHAN_EFFECT_FLOWS,
    Effect,
)
from clearsim.flows.calibration.take_up import take_up_table
from clearsim.flows.calibration.targets import TARGETS, VALIDATION, Target
from clearsim.flows.execution.replications import default_workers, run_replications
from clearsim.flows.report.render import format_estimate
from clearsim.models.records import RunSummary, SegmentStat
from clearsim.scenarios.catalogue import SCENARIO_DIR
from clearsim.scenarios.load import load_scenario
from clearsim.scenarios.overrides import with_values


def _segment(
    summary: RunSummary, direction: str, mode: str, segment: str, channel: str = "all"
) -> SegmentStat:
    for stat in summary.segments:
        if (stat.direction, stat.mode, stat.segment, stat.channel) == (
            direction,
            mode,
            segment,
            channel,
        ):
            return stat
    raise KeyError(f"no {direction} {mode} {segment} segment in {summary.scenario_hash[:12]}")


def _flag(estimate: Estimate) -> str:
    """Mark a difference whose interval excludes zero."""
    return " *" if estimate.low > 0 or estimate.high < 0 else ""


class Runner:
    """Runs each scenario file once (its replications from its own seed) and keeps the result."""

    def __init__(self, replications: int, workers: int) -> None:
        self.replications = replications
        self.workers = workers
        self._cache: dict[str, list[RunSummary]] = {}

    def summaries(self, file: str, values: Mapping[str, Any] | None = None) -> list[RunSummary]:
        """The replications of ``file`` with dotted-path ``values`` set (run on first use)."""
        key = file + json.dumps(dict(values or {}), sort_keys=True)
        if key not in self._cache:
            scenario = load_scenario(SCENARIO_DIR / file, replications=self.replications)
            if values:
                scenario = with_values(scenario, values)
            started = time.perf_counter()
            self._cache[key] = run_replications(
                scenario,
                range(scenario.replications),
                scenario.seed,
                self.workers or default_workers(scenario.replications),
            )
            sys.stderr.write(f"{key}: {time.perf_counter() - started:.1f} s\n")
        return self._cache[key]


def _simulated(runner: Runner, target: Target) -> Estimate:
    """The simulated counterpart of ``target``: a statistic, or a paired difference."""

    def values(file: str) -> list[float]:
        runs = runner.summaries(file, dict(target.values))
        return [
            getattr(_segment(s, target.direction, target.mode, target.segment), target.statistic)
            for s in runs
        ]

    if target.reform is None:
        return mean_confidence_interval(values(target.scenario))
    return paired_difference(values(target.reform), values(target.scenario))


def calibration_table(runner: Runner, targets: Sequence[Target]) -> str:
    """Simulated TRS figures beside the published ones, with quote, coverage and what was fitted."""
    lines = [
        "| scenario | flow | segment | simulated (h) | published | quote | covers | source "
        "| fitted to it |",
        "|---|---|---|--:|---|---|---|---|---|",
    ]
    for target in targets:
        fitted = "; ".join(f"`{name}`" for name in target.fitted) or "nothing (held out)"
        what = "median" if target.statistic == "median_h" else "mean"
        if target.reform is not None:
            what = f"Δ mean vs `{target.scenario}`"
        settings = ", ".join(f"`{k}={v}`" for k, v in target.values)
        scenario = f"`{target.reform or target.scenario}`" + (
            f" with {settings}" if settings else ""
        )
        note = f" ({target.note})" if target.note else ""
        lines.append(
            f"| {scenario} | {target.direction} {target.mode} | {target.segment} | "
            f"{format_estimate(_simulated(runner, target), 2)} {what}{note} | "
            f"{target.published} | {target.quote} | {target.covers} | {target.source} | {fitted} |"
        )
    return "\n".join(lines) + "\n"


def effects_table(runner: Runner, effects: Sequence[Effect], segment: str) -> str:
    """Each reform's paired difference to its baseline in ``segment`` (mean and p90)."""
    lines = [
        f"{segment}, hours; mean ± 95% CI half-width over replications; Δ = reform - baseline, "
        "paired by replication; * = the interval excludes 0.",
        "",
        "| reform | flow | baseline mean | reform mean | Δ mean | baseline p90 | reform p90 "
        "| Δ p90 |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for effect in effects:
        base = [
            _segment(s, effect.direction, effect.mode, segment, effect.channel)
            for s in runner.summaries(effect.baseline)
        ]
        reform = [
            _segment(s, effect.direction, effect.mode, segment, effect.channel)
            for s in runner.summaries(effect.reform)
        ]
        cells = []
        for field in ("mean_h", "p90_h"):
            b = [getattr(s, field) for s in base]
            r = [getattr(s, field) for s in reform]
            diff = paired_difference(r, b)
            cells += [
                format_estimate(mean_confidence_interval(b), 1),
                format_estimate(mean_confidence_interval(r), 1),
                format_estimate(diff, 1) + _flag(diff),
            ]
        lines.append(
            f"| {effect.label} (`{effect.reform}`) | {effect.direction} {effect.mode}"
            f"{'' if effect.channel == 'all' else ' ' + effect.channel} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"


def double11_table(runner: Runner) -> str:
    """The Double-11 peak day at each multiplier: arrival->exit per CBEC flow."""
    lines = [
        "arrival->exit, hours, mean ± 95% CI half-width (p90 in brackets); the peak day of "
        "`double11_peak.yaml` with `order_multiplier` and `parcel_multiplier` set to m.",
        "",
        "| m | 1210 orders | 1210 arrival->exit | 9610 parcels | 9610 arrival->exit |",
        "|--:|--:|--:|--:|--:|",
    ]
    for m in DOUBLE11_MULTIPLIERS:
        values = {
            "processes.east_lake_1210.order_multiplier": m,
            "processes.dongxihu_9610.parcel_multiplier": m,
        }
        runs = runner.summaries("double11_peak.yaml", values)
        cells = [str(m)]
        for mode in ("cbec_1210", "cbec_9610"):
            stats = [_segment(s, "import", mode, "arrival->exit") for s in runs]
            cases = mean_confidence_interval([float(s.n) for s in stats])
            mean = mean_confidence_interval([s.mean_h for s in stats])
            p90 = mean_confidence_interval([s.p90_h for s in stats])
            cells += [f"{cases.mean:,.0f}", f"{format_estimate(mean, 1)} ({p90.mean:.1f})"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Print the calibration and reform-effect tables as markdown."""
    parser = argparse.ArgumentParser(
        prog="python -m clearsim.flows.calibration.flow", description=__doc__
    )
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--workers", type=int, default=0, help="default: one per core")
    parser.add_argument(
        "--wuhan",
        action="store_true",
        help="also pair all_reforms.yaml with wuhan_baseline.yaml (every mode; minutes per run)",
    )
    args = parser.parse_args(argv)
    if args.replications < 2:
        parser.error("--replications must be >= 2 (a confidence interval needs two)")
    runner = Runner(args.replications, args.workers)
    out = sys.stdout
    out.write(f"## Calibration targets ({args.replications} replications each)\n\n")
    out.write(calibration_table(runner, TARGETS) + "\n")
    out.write("## Validation (held out)\n\n")
    out.write(calibration_table(runner, VALIDATION) + "\n")
    for segment in ("arrival->exit", "arrival->release"):
        out.write(f"## Reform effects, {segment}\n\n")
        out.write(effects_table(runner, EFFECTS, segment) + "\n")
    out.write("## Reform effects against take-up, arrival->release\n\n")
    out.write(take_up_table(runner, EFFECTS) + "\n")
    out.write("## Double-11 peak day\n\n")
    out.write(double11_table(runner) + "\n")
    if args.wuhan:
        wuhan = [
            Effect("all reforms", "all_reforms.yaml", "wuhan_baseline.yaml", d, m)
            for d, m in WUHAN_EFFECT_FLOWS
        ]
        for segment in ("arrival->exit", "arrival->release"):
            out.write(f"## All reforms on the Wuhan baseline, {segment}\n\n")
            out.write(effects_table(runner, wuhan, segment) + "\n")


if __name__ == "__main__":
    main()
