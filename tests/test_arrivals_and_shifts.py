"""Arrival processes (Poisson, thinning of piecewise rates) and shift calendars."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pytest
from factories import station_scenario
from pydantic import TypeAdapter, ValidationError

from clearsim.models.arrivals import ArrivalProcess, PiecewiseArrivals
from clearsim.models.calendars import Calendar
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.shifts import closed_intervals, open_intervals
from clearsim.simulation.log.recorder import check_event_log
from clearsim.simulation.metrics.resources import resource_waits
from clearsim.simulation.run import run_replication


def _rng() -> np.random.Generator:
    return Streams(5, 0).generator(Purpose.ARRIVALS, "test")


def test_poisson_counts_have_mean_and_variance_lambda_t() -> None:
    """Counts in 1,000 disjoint hours of a 6/h Poisson process: mean = variance = 6."""
    spec = TypeAdapter(ArrivalProcess).validate_python({"kind": "poisson", "rate_per_hour": 6})
    times = arrival_times(spec, _rng(), 60_000)
    counts = np.bincount((times // 60).astype(int), minlength=1000)
    assert abs(counts.mean() - 6) < 4 * math.sqrt(6 / 1000)
    assert math.isclose(counts.var(ddof=1), 6, rel_tol=0.15)
    assert np.all(np.diff(times) > 0) and times.max() < 60_000


def test_thinning_follows_the_piecewise_profile() -> None:
    """A daily profile of 4 segments: each segment's count matches rate x time (4 s.e.)."""
    rates = (2.0, 10.0, 0.0, 5.0)
    spec = PiecewiseArrivals(segment_min=360, rates_per_hour=rates)
    days = 400
    times = arrival_times(spec, _rng(), days * 1440)
    segment = ((times % 1440) // 360).astype(int)
    for index, rate in enumerate(rates):
        expected = rate * 6 * days
        observed = int((segment == index).sum())
        assert abs(observed - expected) <= 4 * math.sqrt(expected) + 1e-9, (index, observed)
    assert math.isclose(spec.mean_rate_per_min(1440), sum(rates) / 4 / 60)


def test_non_cyclic_profile_keeps_its_last_rate() -> None:
    spec = PiecewiseArrivals(segment_min=60, rates_per_hour=(0.0, 30.0), cyclic=False)
    times = arrival_times(spec, _rng(), 600)
    assert times.min() >= 60
    assert spec.rate_at(10_000) == 0.5


def test_fixed_times_and_bad_profiles() -> None:
    spec = TypeAdapter(ArrivalProcess).validate_python(
        {"kind": "fixed_times", "times_min": [1, 5, 9]}
    )
    assert arrival_times(spec, _rng(), 6).tolist() == [1.0, 5.0]
    for bad in (
        {"kind": "piecewise_poisson", "segment_min": 60, "rates_per_hour": [0, 0]},
        {"kind": "piecewise_poisson", "segment_min": 60, "rates_per_hour": [1, -1]},
        {"kind": "fixed_times", "times_min": [5, 1]},
        {"kind": "poisson", "rate_per_hour": 0},
    ):
        with pytest.raises(ValidationError):
            TypeAdapter(ArrivalProcess).validate_python(bad)


OFFICE = {
    "kind": "weekly",
    "shifts": [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:30", "end": "12:00"},
        {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "13:30", "end": "17:30"},
    ],
}


def test_office_hours_as_intervals() -> None:
    calendar = TypeAdapter(Calendar).validate_python(OFFICE)
    monday = datetime(2026, 1, 5)
    week = open_intervals(calendar, monday, 7 * 1440)
    assert len(week) == 10
    assert week[0] == (510.0, 720.0) and week[1] == (810.0, 1050.0)
    assert sum(b - a for a, b in week) == 5 * 450
    assert math.isclose(calendar.open_fraction(), 5 * 450 / 10080)
    # Starting on a Saturday noon, the first staffed minute is Monday 08:30.
    saturday_noon = datetime(2026, 1, 10, 12, 0)
    assert open_intervals(calendar, saturday_noon, 5000)[0][0] == 1.5 * 1440 + 510
    closed = closed_intervals(calendar, monday, 1440)
    assert closed == [(0.0, 510.0), (720.0, 810.0), (1050.0, 1440.0)]


def test_adjacent_shifts_merge_and_bad_shifts_are_refused() -> None:
    always = TypeAdapter(Calendar).validate_python(
        {"kind": "weekly", "shifts": [{"days": ["mon"], "start": "00:00", "end": "24:00"}]}
    )
    assert open_intervals(always, datetime(2026, 1, 5), 1440) == [(0.0, 1440.0)]
    for shifts in (
        [{"days": ["mon"], "start": "09:00", "end": "08:00"}],
        [{"days": ["mon"], "start": "9am", "end": "17:00"}],
        [{"days": ["monday"], "start": "09:00", "end": "17:00"}],
        [
            {"days": ["mon"], "start": "08:00", "end": "12:00"},
            {"days": ["mon"], "start": "11:00", "end": "13:00"},
        ],
    ):
        with pytest.raises(ValidationError):
            TypeAdapter(Calendar).validate_python({"kind": "weekly", "shifts": shifts})


def test_off_shift_work_waits_for_the_next_shift() -> None:
    """Work arriving at night waits until 08:30; work in progress at closing time finishes."""
    calendar = {
        "kind": "weekly",
        "shifts": [{"days": ["mon", "tue"], "start": "08:30", "end": "17:30"}],
    }
    scenario = station_scenario(
        1,
        0.5,
        {"kind": "deterministic", "value_min": 120},
        2 * 1440,
        calendar=calendar,
        kind="terminating",
    )
    result = run_replication(scenario, 0, 4)
    check_event_log(result.log)
    waits = resource_waits(result.log, "lanes")
    starts = waits.schedule + waits.wait
    minute_of_day = starts % 1440
    # Every service starts on shift (Mon/Tue 08:30-17:30, any week: the backlog carries over) ...
    assert np.all((minute_of_day >= 510) & (minute_of_day < 1050))
    assert set(((starts // 1440) % 7).astype(int).tolist()) <= {0, 1}  # Mondays, Tuesdays
    # ... and the first arrival of the night waited for the morning.
    night = (waits.schedule % 1440 < 510) & (waits.schedule < 1440)
    assert night.any()
    assert np.all(starts[night] >= 510)
    stat = result.summary.resources[0]
    assert 0 < stat.available_fraction < 1
