"""Wall-clock time at the edge: scenario start (Asia/Shanghai) plus simulated minutes, in UTC.

The engine counts float minutes from the scenario's ``start``, a naive local time in
Asia/Shanghai (architecture rule 1). Datasets store instants as UTC milliseconds; every table
and log converts minutes with the same function, so equal minutes give equal timestamps.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
MS_PER_MIN = 60_000.0


def start_epoch_ms(start: datetime) -> int:
    """UTC epoch milliseconds of the scenario start, read as Asia/Shanghai local time."""
    local = start if start.tzinfo is not None else start.replace(tzinfo=LOCAL_ZONE)
    return round(local.timestamp() * 1000)


def epoch_ms(start_ms: int, minutes: np.ndarray) -> np.ndarray:
    """UTC epoch milliseconds of simulated ``minutes`` (NaN stays a missing value: -1 mask)."""
    finite = np.isfinite(minutes)
    out = np.zeros(len(minutes), dtype=np.int64)
    out[finite] = start_ms + np.rint(minutes[finite] * MS_PER_MIN).astype(np.int64)
    return out


def iso_utc(ms: np.ndarray) -> np.ndarray:
    """ISO 8601 UTC strings with milliseconds, e.g. ``2026-01-04T16:00:00.000Z``."""
    text: np.ndarray = np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms", timezone="UTC")
    return text
