"""How a report writes its values: estimates as JSON and as text, flows by name."""

from __future__ import annotations

import math
from typing import Any

from clearsim.analysis.statistics import Estimate


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def estimate_json(estimate: Estimate) -> dict[str, Any]:
    """An estimate as JSON: mean, half-width, limits and the replications it rests on."""
    return {
        "mean": _number(estimate.mean),
        "half_width": _number(estimate.half_width),
        "low": _number(estimate.low),
        "high": _number(estimate.high),
        "n": estimate.n,
    }


def flow_name(direction: str, mode: str) -> str:
    """Display name of a flow, e.g. ``import sea``."""
    return f"{direction} {mode}"


def format_estimate(estimate: Estimate, digits: int = 1, percent: bool = False) -> str:
    """``mean ± half-width`` (a percentage when ``percent``); ``-`` when there is no value."""
    if not math.isfinite(estimate.mean):
        return "-"
    scale, unit = (100.0, "%") if percent else (1.0, "")
    text = f"{estimate.mean * scale:.{digits}f}{unit}"
    if math.isfinite(estimate.half_width):
        text += f" ± {estimate.half_width * scale:.{digits}f}"
    return text
