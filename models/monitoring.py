"""Monitoring of overlong declarations: the threshold past which a case is listed."""

from __future__ import annotations

from pydantic import Field, field_validator

from clearsim.models.base import FrozenSpec
from clearsim.models.vocabulary import TRS_SEGMENTS, segment_name

SEGMENT_NAMES: tuple[str, ...] = tuple(segment_name(a, b) for a, b in TRS_SEGMENTS)


class MonitoringSpec(FrozenSpec):
    """超长未放行报关单监控 (SEED-003 s22): list cases whose segments run past a threshold."""

    overlong_threshold_h: float = Field(
        default=72.0,
        gt=0,
        description="A case is overlong past this many hours in a monitored segment [E].",
    )
    segments: tuple[str, ...] = Field(
        default=("arrival->release",),
        min_length=1,
        description="TRS segments to monitor, e.g. arrival->release.",
    )

    @field_validator("segments")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if name not in SEGMENT_NAMES:
                raise ValueError(f"unknown segment {name!r}; use one of {', '.join(SEGMENT_NAMES)}")
        return value
