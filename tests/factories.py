"""Scenario builders for tests: small, fast variants of the shipped scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.scenario import Scenario
from scenarios.load import load_scenario
from scenarios.overrides import with_values

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "sea_import_baseline.yaml"
SHIP_SIDE = SCENARIOS / "sea_import_ship_side_pickup.yaml"
MMC = SCENARIOS / "validation" / "mmc_inspection.yaml"
MMC_PRIORITY = SCENARIOS / "validation" / "mmc_priority.yaml"
STARTUP_TIMEOUT_S = 180  # Prefect's default 20 s fails about one cold start in four
GOLDEN = Path(__file__).resolve().parent / "data" / "golden_sea_import.yaml"

DAY = 1440.0


def short_sea_import(path: Path = BASELINE, days: float = 10, warmup_days: float = 2) -> Scenario:
    """A shipped sea-import scenario cut to a few days (same parameters otherwise)."""
    return load_scenario(
        path,
        horizon_min=days * DAY,
        warmup_min=warmup_days * DAY,
        drain_limit_min=14 * DAY,
    )


def station_scenario(
    servers: int,
    rate_per_hour: float,
    service: dict[str, Any],
    horizon_min: float,
    *,
    warmup_min: float = 0.0,
    calendar: dict[str, Any] | None = None,
    classes: list[dict[str, Any]] | None = None,
    kind: str = "steady_state",
    seed: int = 1,
) -> Scenario:
    """A one-stage station flow built in code (the same schema users write in YAML)."""
    process: dict[str, Any] = {
        "kind": "station_flow",
        "name": "station",
        "node": "SITE",
        "arrivals": {"kind": "poisson", "rate_per_hour": rate_per_hour},
        "stages": [{"activity": "inspection", "resource": "lanes", "service_min": service}],
    }
    if classes is not None:
        process["classes"] = classes
    calendars: dict[str, Any] = {"always": {"kind": "always"}}
    if calendar is not None:
        calendars["shifts"] = calendar
    return Scenario.model_validate(
        {
            "name": "station",
            "kind": kind,
            "horizon_min": horizon_min,
            "warmup_min": warmup_min,
            "drain_limit_min": 20 * DAY,
            "seed": seed,
            "calendars": calendars,
            "network": {"nodes": {"SITE": {"kind": "inspection_area", "lat": 30.0, "lon": 114.0}}},
            "resources": {
                "lanes": {
                    "capacity": servers,
                    "node": "SITE",
                    "calendar": "shifts" if calendar else "always",
                }
            },
            "processes": [process],
        }
    )


def golden(**values: Any) -> Scenario:
    """The hand-computed golden scenario, with dotted-path overrides."""
    scenario = load_scenario(GOLDEN)
    return with_values(scenario, values) if values else scenario
