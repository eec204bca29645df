"""Each fast path of the engine gives exactly what the plain version it replaces gives."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from simpy.resources.resource import SortedQueue

from simulation.facilities import RequestQueue
from simulation.recorder import EventLog


@dataclass
class _Request:
    key: tuple[int, float, bool]


def test_request_queue_keeps_simpys_sorted_order() -> None:
    """Same priorities, ties in time and out-of-order priorities: the order SimPy's sort gives."""
    rng = np.random.default_rng(5)
    simpy_queue, queue = SortedQueue(), RequestQueue()
    for step in range(3000):
        request = _Request((int(rng.integers(0, 3)), float(step // 7), bool(rng.random() < 0.1)))
        simpy_queue.append(request)
        queue.append(request)
        if rng.random() < 0.3:
            assert simpy_queue.pop(0) is queue.pop(0)
    assert [id(r) for r in queue] == [id(r) for r in simpy_queue]


def test_new_cases_is_new_case_for_each() -> None:
    one, bulk = EventLog(("N",), ()), EventLog(("N",), ())
    classes, advance, destinations = ["aeo", "general", "general"], [True, False, True], list("xyz")
    for name, ahead, destination in zip(classes, advance, destinations, strict=True):
        one.new_case(
            "parcel",
            "p",
            mode="cbec_9610",
            case_class=name,
            advance_declared=ahead,
            destination=destination,
        )
    ids = bulk.new_cases(
        "parcel",
        "p",
        classes,
        mode="cbec_9610",
        advance_declared=advance,
        destinations=destinations,
    )
    assert ids == range(3) and bulk.cases == one.cases
