"""A computed FIFO line serves as plain SimPy requests do, shift closures included.

:class:`~clearsim.simulation.fastpath.computed_line.ComputedLine` computes each job's start and end
when it joins (Kiefer-Wolfowitz) and the shift changes the facility's blockers would make. Compared
here with every job a process that requests a server (``facilities.serve``), and on a trace worked
out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy
from factories import canonical_rows, line_log

from clearsim.simulation.fastpath.computed_line import ComputedLine
from clearsim.simulation.kernel.facilities import Facility
from clearsim.simulation.log.recorder import EventLog, check_event_log


@pytest.mark.parametrize("whole_minutes", [True, False], ids=["whole-minutes", "continuous"])
@pytest.mark.parametrize("until", [None, 250.0], ids=["drained", "stopped"])
def test_a_computed_line_serves_as_plain_requests_do(
    whole_minutes: bool, until: float | None
) -> None:
    """The same rows and shift changes; a job waits through a closure, or overruns its start."""
    plain = line_log("plain", whole_minutes=whole_minutes, until=until)
    computed = line_log("computed", whole_minutes=whole_minutes, until=until)
    check_event_log(computed)
    assert len(plain.rows) == (1200 if until is None else 661)
    assert np.array_equal(canonical_rows(computed), canonical_rows(plain))
    assert computed.capacity_rows == plain.capacity_rows
    assert len(plain.capacity_rows) == (8 if until is None else 4)


def test_a_computed_line_by_hand() -> None:
    """Two servers closed over [10, 20).

    A (joins 0, 12 min) overruns the closure's start on server 1; B (1, 3) and C (5, 2) pass on
    server 2, which is idle when the closure starts and goes off at 10. D (11, 1) and E (11.5,
    1) join during the closure and wait for its end; server 1 goes off only when A ends at 12.
    """
    env = simpy.Environment()
    log = EventLog(("N",), ("R",))
    line = ComputedLine(env, Facility(env, "R", 2, 0, log, [(10.0, 20.0)]), log)
    jobs = [(0.0, 12.0), (1.0, 3.0), (5.0, 2.0), (11.0, 1.0), (11.5, 1.0)]
    assert [line.assign(join, duration) for join, duration in jobs] == [
        (0.0, 12.0),
        (1.0, 4.0),
        (5.0, 7.0),
        (20.0, 21.0),
        (20.0, 21.0),
    ]
    line.settle_shifts(21.0)
    log.settle(21.0)
    assert log.capacity_rows == [(10.0, 0, -1), (12.0, 0, -1), (20.0, 0, 1), (20.0, 0, 1)]


@pytest.mark.parametrize("end", [10.0, 6.0, 5.0])
def test_idle_servers_go_off_shift_as_the_blockers_take_them(end: float) -> None:
    """With no job at all, the shift changes up to the run's end are the blockers' ones.

    A run stopped at 5 records nothing at that instant (not even the closure starting then).
    """
    logs = []
    for computed in (False, True):
        env = simpy.Environment()
        log = EventLog(("N",), ("R",))
        facility = Facility(env, "R", 2, 0, log, [(5.0, 8.0)])
        if computed:
            ComputedLine(env, facility, log)
        env.run(until=end)
        facility.settle(end)
        log.settle(end, stopped=True)
        logs.append(log)
    plain, computed = logs
    assert computed.capacity_rows == plain.capacity_rows
    expected = {10.0: [(5.0, 0, -1)] * 2 + [(8.0, 0, 1)] * 2, 6.0: [(5.0, 0, -1)] * 2, 5.0: []}
    assert plain.capacity_rows == expected[end]


def test_a_facility_is_claimed_once() -> None:
    env = simpy.Environment()
    log = EventLog(("N",), ("R",))
    facility = Facility(env, "R", 1, 0, log, [])
    ComputedLine(env, facility, log)
    with pytest.raises(RuntimeError, match="claimed twice"):
        ComputedLine(env, facility, log)


def test_jobs_join_a_computed_line_in_time_order() -> None:
    """The recursion takes jobs in the order they join; a join from the past is refused."""
    env = simpy.Environment()
    log = EventLog(("N",), ("R",))
    line = ComputedLine(env, Facility(env, "R", 1, 0, log, []), log)
    line.assign(5.0, 1.0)
    with pytest.raises(ValueError, match=r"before one that joined at 5\.0"):
        line.assign(4.0, 1.0)
