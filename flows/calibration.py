"""Calibration and reform effects of the shipped Wuhan scenarios, as markdown.

``python -m flows.calibration`` runs every scenario named below with its own seed, puts each
baseline's TRS figures beside the published ones (docs/background/sources.md), and each
reform's paired difference to its baseline (common random numbers: same seed, same
replications) with a t interval. ``docs/calibration.md`` shows its latest output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flows.replications import default_workers, run_replications
from models.records import RunSummary, SegmentStat
from scenarios.catalogue import SCENARIO_DIR
from scenarios.load import load_scenario
from scenarios.overrides import with_values
from simulation.statistics import Estimate, mean_confidence_interval, paired_difference


@dataclass(frozen=True)
class Target:
    """A published figure a baseline is calibrated against."""

    scenario: str
    direction: str
    mode: str
    segment: str
    published: str
    source: str


@dataclass(frozen=True)
class Effect:
    """A reform scenario and the baseline it is paired with."""

    label: str
    reform: str
    baseline: str
    direction: str
    mode: str
    channel: str = "all"


TARGETS: tuple[Target, ...] = (
    Target(
        "sea_import_baseline.yaml",
        "import",
        "sea",
        "arrival->release",
        "48.8 h Hubei 2021; 39 h Hubei 2022 target; 32.02 h national 2022",
        "S8, S3",
    ),
    Target(
        "sea_export_baseline.yaml",
        "export",
        "sea",
        "arrival->release",
        "1.1 h Hubei export 2021; 0.88 h Hubei 2022 target",
        "S8",
    ),
    Target(
        "sea_export_baseline.yaml",
        "export",
        "sea",
        "arrival->exit",
        "3-4 days export port stay, conventional (Shenzhen)",
        "S1",
    ),
    Target(
        "cbec_1210_baseline.yaml",
        "import",
        "cbec_1210",
        "lodgement->release",
        "<= 10 min declaration data to release (Hangzhou, 11.11)",
        "S28",
    ),
    Target(
        "air_cargo_baseline.yaml",
        "export",
        "air",
        "arrival->release",
        "about 1 h export (as sea: S8); no Wuhan air figure",
        "S8",
    ),
    Target(
        "sea_import_two_step.yaml",
        "import",
        "sea",
        "arrival->release",
        "18.63 h Ningbo under two-step, Dec 2019",
        "S24b",
    ),
)

EFFECTS: tuple[Effect, ...] = (
    Effect(
        "船边直提 ship-side pickup",
        "sea_import_ship_side_pickup.yaml",
        "sea_import_baseline.yaml",
        "import",
        "sea",
    ),
    Effect(
        "提前申报 advance declaration",
        "sea_import_advance_declaration.yaml",
        "sea_import_baseline.yaml",
        "import",
        "sea",
    ),
    Effect(
        "两步申报 two-step declaration",
        "sea_import_two_step.yaml",
        "sea_import_baseline.yaml",
        "import",
        "sea",
    ),
    Effect(
        "两步申报+提前申报",
        "sea_import_two_step_advance.yaml",
        "sea_import_baseline.yaml",
        "import",
        "sea",
    ),
    Effect(
        "属地查检 destination inspection",
        "sea_import_remote_inspection.yaml",
        "sea_import_baseline.yaml",
        "import",
        "sea",
    ),
    Effect(
        "远程视频查验 video inspection",
        "sea_import_video_inspection.yaml",
        "sea_import_baseline.yaml",
        "import",
        "sea",
    ),
    Effect(
        "AEO priority",
        "sea_import_aeo_priority.yaml",
        "sea_import_baseline.yaml",
        "import",
        "sea",
    ),
    Effect("7x24 appointment", "sea_import_7x24.yaml", "sea_import_baseline.yaml", "import", "sea"),
    Effect(
        "抵港直装 direct loading",
        "sea_export_direct_loading.yaml",
        "sea_export_baseline.yaml",
        "export",
        "sea",
    ),
    Effect(
        "铁路快速通关 rail fast clearance",
        "rail_fast_clearance.yaml",
        "rail_import_baseline.yaml",
        "import",
        "rail",
    ),
    Effect(
        "中欧班列+保税仓储 bonded storage",
        "rail_bonded_storage.yaml",
        "rail_import_baseline.yaml",
        "import",
        "rail",
    ),
    Effect(
        "机坪直提 apron pickup", "air_apron_direct.yaml", "air_cargo_baseline.yaml", "import", "air"
    ),
    Effect(
        "机坪直装 apron loading",
        "air_apron_direct.yaml",
        "air_cargo_baseline.yaml",
        "export",
        "air",
    ),
    Effect(
        "空侧直转 airside transfer",
        "air_airside_transfer.yaml",
        "air_cargo_baseline.yaml",
        "transit",
        "air",
    ),
    Effect(
        "同仓存储、同包发货 same warehouse",
        "cbec_1210_same_warehouse.yaml",
        "cbec_1210_baseline.yaml",
        "import",
        "cbec_1210",
    ),
    Effect(
        "Double-11: a second X-ray line",
        "cbec_9610_double11_more_xray.yaml",
        "cbec_9610_double11.yaml",
        "import",
        "cbec_9610",
    ),
    *(
        Effect(label + ", red channel", reform, "sea_import_baseline.yaml", "import", "sea", "red")
        for label, reform in (
            ("属地查检 destination inspection", "sea_import_remote_inspection.yaml"),
            ("远程视频查验 video inspection", "sea_import_video_inspection.yaml"),
            ("AEO priority", "sea_import_aeo_priority.yaml"),
            ("7x24 appointment", "sea_import_7x24.yaml"),
            ("Yangluo: 5 inspection lanes", "yangluo_more_lanes.yaml"),
        )
    ),
    Effect(
        "Yangluo: 5 inspection lanes",
        "yangluo_more_lanes.yaml",
        "sea_import_baseline.yaml",
        "import",
        "sea",
    ),
)


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


def _cell(estimate: Estimate, digits: int = 2) -> str:
    return f"{estimate.mean:.{digits}f} ± {estimate.half_width:.{digits}f}"


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


def calibration_table(runner: Runner, targets: Sequence[Target]) -> str:
    """Simulated TRS figures beside the published ones."""
    lines = [
        "| scenario | flow | segment | simulated mean (h) | simulated p90 (h) | published "
        "| source |",
        "|---|---|---|--:|--:|---|---|",
    ]
    for target in targets:
        stats = [
            _segment(s, target.direction, target.mode, target.segment)
            for s in runner.summaries(target.scenario)
        ]
        mean = mean_confidence_interval([s.mean_h for s in stats])
        p90 = mean_confidence_interval([s.p90_h for s in stats])
        lines.append(
            f"| `{target.scenario}` | {target.direction} {target.mode} | {target.segment} | "
            f"{_cell(mean)} | {_cell(p90, 1)} | {target.published} | {target.source} |"
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
                _cell(mean_confidence_interval(b), 1),
                _cell(mean_confidence_interval(r), 1),
                _cell(diff, 1) + _flag(diff),
            ]
        lines.append(
            f"| {effect.label} (`{effect.reform}`) | {effect.direction} {effect.mode}"
            f"{'' if effect.channel == 'all' else ' ' + effect.channel} | "
            + " | ".join(cells)
            + " |"
        )
    return "\n".join(lines) + "\n"


DOUBLE11_MULTIPLIERS = (1, 2, 3, 4, 5)
"""Peak-day multipliers of the Double-11 sweep (sources 1c: default 3, swept 2-5)."""


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
            cells += [f"{cases.mean:,.0f}", f"{_cell(mean, 1)} ({p90.mean:.1f})"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


WUHAN_EFFECT_FLOWS = (
    ("import", "sea"),
    ("export", "sea"),
    ("import", "rail"),
    ("import", "air"),
    ("export", "air"),
    ("transit", "air"),
    ("import", "cbec_1210"),
    ("import", "cbec_9610"),
)


def main(argv: Sequence[str] | None = None) -> None:
    """Print the calibration and reform-effect tables as markdown."""
    parser = argparse.ArgumentParser(prog="python -m flows.calibration", description=__doc__)
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
    out.write(f"## Calibration ({args.replications} replications each)\n\n")
    out.write(calibration_table(runner, TARGETS) + "\n")
    for segment in ("arrival->exit", "arrival->release"):
        out.write(f"## Reform effects, {segment}\n\n")
        out.write(effects_table(runner, EFFECTS, segment) + "\n")
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
