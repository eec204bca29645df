"""Shift calendars: when a resource is staffed (office hours) or always open (7x24)."""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from clearsim.models.base import FrozenSpec

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 1440.0
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def clock_to_minutes(text: str) -> float:
    """Minutes after midnight of an ``HH:MM`` clock time (``24:00`` allowed)."""
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a HH:MM clock time")
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    if minutes > MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is after 24:00")
    return float(minutes)


class Shift(FrozenSpec):
    """One staffed window, repeated on the listed weekdays."""

    days: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = Field(min_length=1)
    start: str = Field(description="Clock time HH:MM the shift starts.")
    end: str = Field(description="Clock time HH:MM the shift ends (after start; 24:00 allowed).")

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        clock_to_minutes(value)
        return value

    @model_validator(mode="after")
    def _order(self) -> Shift:
        if clock_to_minutes(self.end) <= clock_to_minutes(self.start):
            raise ValueError("shift end must be after its start (split overnight shifts in two)")
        return self


class AlwaysOpen(FrozenSpec):
    """Staffed around the clock (7x24)."""

    kind: Literal["always"] = "always"

    def open_fraction(self) -> float:
        """Share of the week the resource is staffed."""
        return 1.0


class WeeklyCalendar(FrozenSpec):
    """Staffed in weekly shifts; work arriving off shift waits for the next shift."""

    kind: Literal["weekly"] = "weekly"
    shifts: tuple[Shift, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> WeeklyCalendar:
        windows = self.week_windows()
        for (_, end), (start, _) in itertools.pairwise(windows):
            if start < end:
                raise ValueError("shifts overlap on the same day")
        return self

    def week_windows(self) -> list[tuple[float, float]]:
        """Staffed windows as minutes since Monday 00:00, sorted, not merged."""
        windows = [
            (
                WEEKDAYS.index(day) * MINUTES_PER_DAY + clock_to_minutes(shift.start),
                WEEKDAYS.index(day) * MINUTES_PER_DAY + clock_to_minutes(shift.end),
            )
            for shift in self.shifts
            for day in shift.days
        ]
        return sorted(windows)

    def open_fraction(self) -> float:
        """Share of the week the resource is staffed."""
        return sum(end - start for start, end in self.week_windows()) / MINUTES_PER_WEEK


Calendar = Annotated[AlwaysOpen | WeeklyCalendar, Field(discriminator="kind")]
"""Any shift calendar, chosen in YAML by ``kind``."""
