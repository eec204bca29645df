"""Published figures: the calibration targets fitted on the baselines, and held-out validation.

House rule 13: behaviour is calibrated once, on the baselines, against the figures in
:data:`TARGETS` (each names the parameters fitted to it). The figures in :data:`VALIDATION` were
used by no fit: a reform's published effect is only ever compared with, never fitted to. Every
figure carries its exact quote (or table value), what it covers (place, mode, period), and its
source key (docs/background/sources.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Target:
    """A published figure set beside a simulated TRS statistic of one scenario.

    ``values`` are dotted-path overrides of the scenario (for example a take-up of 1);
    ``statistic`` is ``mean_h`` or ``median_h`` of the segment; with ``reform`` the simulated
    figure is the paired difference ``reform - scenario`` instead (common random numbers).
    ``fitted`` names the parameters fitted to the figure; empty for a validation figure.
    """

    scenario: str
    direction: str
    mode: str
    segment: str
    published: str
    quote: str
    covers: str
    source: str
    fitted: tuple[str, ...] = ()
    statistic: str = "mean_h"
    values: tuple[tuple[str, Any], ...] = ()
    reform: str | None = None
    note: str = field(default="")


TARGETS: tuple[Target, ...] = (
    Target(
        "sea_import_baseline.yaml",
        "import",
        "sea",
        "arrival->release",
        "48.8 h (2021); 39 h (2022 target); 32.02 h (national 2022)",
        "Hubei import 48.8 h in 2021, down 83.07% on 2017, and a 2022 target 20% lower (S8); "
        '"In 2022, the overall time taken for import and export goods to complete customs '
        'clearance was 32.02 hours and 1.03 hours" (S3)',
        "Hubei, all modes, imports, 2021 and the 2022 target; China, all modes, imports, 2022",
        "S8, S3",
        ("yangluo_import.declaration.documents.valuation_work_min (the declarant's own work) [C]",),
    ),
    Target(
        "sea_export_baseline.yaml",
        "export",
        "sea",
        "arrival->release",
        "1.1 h (2021); 0.88 h (2022 target)",
        "Hubei export 1.1 h in 2021, down 96.46% on 2017, and a 2022 target 20% lower (S8)",
        "Hubei, all modes, exports, 2021 and the 2022 target",
        "S8",
        ("yangluo_export.declaration.after_arrival_delay_min [C]",),
    ),
    Target(
        "sea_export_baseline.yaml",
        "export",
        "sea",
        "arrival->exit",
        "3-4 days",
        '"the staying time at the “direct-loading at the port” port is reduced from 3-4 days to '
        '2 hours" (S1: the conventional 3-4 days)',
        "Shenzhen, sea export containers, conventional port stay, 2020",
        "S1",
        ("yangluo_export.gate_lead_min [C]",),
    ),
    Target(
        "cbec_1210_baseline.yaml",
        "import",
        "cbec_1210",
        "lodgement->release",
        "<= 10 min",
        "declaration data received to release within 10 minutes for bonded e-commerce orders "
        "on 11.11 (S28)",
        "Hangzhou, 1210 bonded e-commerce imports, Double-11",
        "S28",
        ("east_lake_1210.declaration.auto_review_min (median 1 min, p95 10 min) [E, fits S28]",),
    ),
    Target(
        "air_cargo_baseline.yaml",
        "export",
        "air",
        "arrival->release",
        "about 1 h",
        "Hubei export 1.1 h in 2021 (S8), taken for air export for want of an air figure",
        "Hubei, all modes, exports, 2021 (no air-specific figure found)",
        "S8",
        ("tianhe_air.export_declaration.after_arrival_delay_min [E]",),
    ),
)
"""Figures the baselines' behaviour is fitted to (or, [E], chosen to land near)."""

VALIDATION: tuple[Target, ...] = (
    Target(
        "sea_import_ship_side_pickup.yaml",
        "import",
        "sea",
        "arrival->exit",
        "1-2 hours (was 1-2 days)",
        '"企業提箱時間由原來1-2天縮短至1-2小時" (box pickup time cut from 1-2 days to 1-2 hours)',
        "Wuhan Customs, Hubei water ports, ship-side pickup and direct loading, July 2023",
        "WHC-2023",
        statistic="median_h",
        values=(("processes.yangluo_import.ship_side_pickup.share", 1.0),),
        note="median box at take-up 1 (all consignees take part); red and late boxes use the yard",
    ),
    Target(
        "sea_import_two_step.yaml",
        "import",
        "sea",
        "arrival->release",
        "18.63 h",
        "Ningbo Customs' import clearance time, 18.63 h in December 2019 (S24b)",
        "Ningbo, imports overall (all declarations, not only two-step), December 2019",
        "S24b",
        note="two-step at the catalogue take-up 0.8; the figure covers all of Ningbo's imports",
    ),
    Target(
        "sea_import_two_step.yaml",
        "import",
        "sea",
        "arrival->release",
        "34.75 h",
        '"As of the end of last year, the custom clearance time at Ningbo ports stood at 34.75 '
        'hours, down 79.1 percent from 2017"',
        "Ningbo ports, clearance time overall (imports, with two-step in use), end of 2020",
        "NB-2021",
        note="as above: an overall figure, two-step among the modes in use",
    ),
    Target(
        "sea_export_direct_loading.yaml",
        "export",
        "sea",
        "arrival->exit",
        "2 hours (was 3-4 days)",
        '"the staying time at the “direct-loading at the port” port is reduced from 3-4 days to '
        '2 hours" (S1)',
        "Shenzhen, sea export containers under direct loading, 2020",
        "S1",
        statistic="median_h",
        values=(("processes.yangluo_export.direct_loading.share", 1.0),),
        note="median box at take-up 1 (every shipper takes part)",
    ),
    Target(
        "rail_import_baseline.yaml",
        "import",
        "rail",
        "border_entry->arrival",
        "saves 2-3 h per train at the border",
        "rail fast clearance saves 2-3 hours per train at the border port (S32d)",
        "Urumqi / Alashankou China-Europe trains, rail fast clearance, 2021",
        "S32d",
        reform="rail_fast_clearance.yaml",
        note="paired difference fast clearance - baseline, border entry to arrival at Wujiashan",
    ),
)
"""Published figures no parameter was fitted to: the check of the model, reforms above all."""
