"""What the calibration checks: published figures per baseline, and reform/baseline pairs."""

from __future__ import annotations

from dataclasses import dataclass


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
)

# Held out (house rule 13): published effects of a reform, compared with what the reform's rules
# give on the calibrated baseline behaviour; no parameter is fitted to them.
VALIDATIONS: tuple[Target, ...] = (
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


DOUBLE11_MULTIPLIERS = (1, 2, 3, 4, 5)
"""Peak-day multipliers of the Double-11 sweep (sources 1c: default 3, swept 2-5)."""


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
