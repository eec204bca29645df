"""What the engine relies on in SimPy beyond its public API (`simulation/kernel/simpy_adapter.py`).

Each test pins one behaviour of SimPy's internals the adapter uses; a SimPy upgrade that
changes one fails here, naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy
from simpy.resources.resource import SortedQueue

from clearsim.simulation.kernel.simpy_adapter import (
    FacilityResource,
    RequestQueue,
    schedule_at,
    wake_at,
)


def test_wake_at_ends_at_the_planned_time_where_a_timeout_would_not() -> None:
    """A chain's end is reached exactly; ``now + (t - now)`` rounds to the next float here."""
    now, planned = 3.497348228390933, 7.815000241272652  # a 1210 order's review in a run
    assert now + (planned - now) != planned
    env = simpy.Environment(initial_time=now)
    woken: list[float] = []
    wake_at(env, planned).callbacks.append(lambda _: woken.append(env.now))
    env.timeout(planned - now).callbacks.append(lambda _: woken.append(env.now))
    env.run()
    assert woken == [planned, 7.815000241272653]


def test_a_scheduled_event_takes_its_turn_among_timeouts_of_the_same_time() -> None:
    """Normal priority and the next event id: after earlier timeouts, before later ones."""
    env = simpy.Environment()
    order: list[str] = []
    env.timeout(5.0).callbacks.append(lambda _: order.append("timeout before"))
    event = simpy.Event(env)
    event.callbacks.append(lambda e: order.append(f"scheduled ok={e.ok} value={e.value}"))
    schedule_at(env, event, 5.0)
    env.timeout(5.0).callbacks.append(lambda _: order.append("timeout after"))
    env.run()
    assert order == ["timeout before", "scheduled ok=True value=None", "timeout after"]
    assert env.now == 5.0


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


def test_facility_resource_queues_its_requests_in_a_request_queue() -> None:
    """``PriorityResource`` builds its put queue from the ``PutQueue`` class attribute."""
    env = simpy.Environment()
    resource = FacilityResource(env, capacity=1)
    served: list[int] = []

    def job(name: int, priority: int) -> simpy.events.ProcessGenerator:
        with resource.request(priority=priority) as request:
            yield request
            served.append(name)
            yield env.timeout(1.0)

    for name, priority in enumerate([0, 2, 1, 1, 0]):
        env.process(job(name, priority))
    env.run()
    assert isinstance(resource.put_queue, RequestQueue)
    assert served == [0, 4, 2, 3, 1]
