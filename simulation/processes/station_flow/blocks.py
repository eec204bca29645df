"""The reference generator of a station flow whose stages use engine blocks.

A stage with a finite capacity (loss or blocking), impatience (balking, reneging) or feedback is
served here, one SimPy process per customer; the fast path
(:class:`~clearsim.simulation.processes.station_flow.process.LinedFlow`) refuses such a flow.

How the log records each block:

* a customer who leaves early gets an outcome milestone (``lost``, ``balked`` or ``reneged``) at
  the instant it leaves, no ``exit`` and no later milestone (never released); it leaves the
  system (it counts in the run's ``completed``: the cases that left) and its case is finished;
* at a stage with reneging, the queue entry (``schedule``) is recorded when the customer gets a
  server, at the time it joined (the log is settled into time order at the end): a customer who
  reneges records only its ``reneged`` outcome, so every recorded stage instance is served and
  resource waits are the waits of served customers;
* a blocked customer's service ``complete`` is recorded when its service ends; it then holds its
  server, idle, until it enters the next stage (blocking after service), so the server's busy
  time in the log is its service time;
* each feedback pass is its own activity instance (schedule, start, complete) of the stage;
* at a batch stage each customer records its own instance, started and completed with its batch
  (:mod:`~clearsim.simulation.processes.station_flow.batches`); its server is not held after the
  batch (no blocking after a batch);
* each piece of a preempted service is its own activity instance
  (:mod:`~clearsim.simulation.processes.station_flow.preemption`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from clearsim.models.station_flow import Stage, StationFlowSpec
from clearsim.simulation.kernel.facilities import COMPLETE, SCHEDULE, START, Facility, milestone
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import DurationSampler, UniformSampler
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.station_flow.batches import BatchCarrier, BatchStage
from clearsim.simulation.processes.station_flow.preemption import Preemption

if TYPE_CHECKING:
    from clearsim.simulation.processes.station_flow.process import StationFlow

Admission = Generator[simpy.Event, Any, bool]
Served = Generator[simpy.Event, Any, tuple[str, simpy.resources.resource.PriorityRequest | None]]


class StageBlocks:
    """Run-time state and streams of the blocks of one station flow's stages.

    Streams are keyed by the flow's name, the stage's activity and the block, so a block added
    to one stage shifts no other draw (common random numbers).
    """

    def __init__(self, spec: StationFlowSpec, streams: Streams, log: EventLog) -> None:
        name = spec.name
        self.outcome_codes = {
            outcome: log.outcome(name, outcome)
            for outcome, used in (
                ("lost", any(s.capacity and s.capacity.when_full == "lose" for s in spec.stages)),
                (
                    "balked",
                    any(s.impatience and s.impatience.balk_probability for s in spec.stages),
                ),
                ("reneged", any(s.impatience and s.impatience.patience_min for s in spec.stages)),
            )
            if used
        }
        self.stages = spec.stages
        names = [stage.activity for stage in spec.stages]
        self.occupancy = [0] * len(spec.stages)
        self.preemption = Preemption()
        self.batches = [
            None
            if s.batch is None
            else BatchStage(
                s.batch.size,
                BatchCarrier(name, spec.direction, spec.mode),
                DurationSampler(
                    s.service_min, streams.generator(Purpose.SERVICE, name, s.activity, "batch")
                ),
            )
            for s in spec.stages
        ]
        self.place_waiters: list[deque[simpy.Event]] = [deque() for _ in spec.stages]
        self.feedback_to = [
            None if s.feedback is None else names.index(s.feedback.to) for s in spec.stages
        ]
        self.feedback_u = [_uniform(streams, name, s, "feedback", s.feedback) for s in spec.stages]
        self.balk_u = [
            _uniform(streams, name, s, "balk", s.impatience and s.impatience.balk_probability)
            for s in spec.stages
        ]
        self.patience = [
            None
            if s.impatience is None or s.impatience.patience_min is None
            else DurationSampler(
                s.impatience.patience_min,
                streams.generator(Purpose.ATTRIBUTES, name, s.activity, "patience"),
            )
            for s in spec.stages
        ]
        self.repeat_service = [
            None
            if s.feedback is None and not any(t is not None and t <= k for t in self.feedback_to)
            else DurationSampler(
                s.service_min, streams.generator(Purpose.SERVICE, name, s.activity, "repeat")
            )
            for k, s in enumerate(spec.stages)
        ]

    def full(self, stage: int) -> bool:
        """Whether stage ``stage`` holds its capacity's limit of customers."""
        capacity = self.stages[stage].capacity
        return capacity is not None and self.occupancy[stage] >= capacity.limit

    def leave(self, stage: int) -> None:
        """A customer left stage ``stage``: its place goes to the first blocked customer, if any."""
        waiters = self.place_waiters[stage]
        if waiters:
            waiters.popleft().succeed()  # the place passes on: occupancy unchanged
        else:
            self.occupancy[stage] -= 1

    def fed_back(self, stage: int) -> int | None:
        """The stage a customer goes back to after ``stage``, or None when it goes on."""
        feedback = self.stages[stage].feedback
        sampler = self.feedback_u[stage]
        if feedback is None or sampler is None:
            return None
        return self.feedback_to[stage] if sampler() < feedback.probability else None


def _uniform(
    streams: Streams, name: str, stage: Stage, block: str, used: object
) -> UniformSampler | None:
    if not used:
        return None
    return UniformSampler(streams.generator(Purpose.ROUTING, name, stage.activity, block))


def enter_stage(env: simpy.Environment, blocks: StageBlocks, stage: int) -> Admission:
    """Take a place at ``stage``; the return value says whether the customer got one.

    A full stage that blocks makes the customer wait (the caller still holds its previous
    stage's server, if any, and releases it afterwards); one that loses turns it away.
    """
    if not blocks.full(stage):
        blocks.occupancy[stage] += 1
        return True
    capacity = blocks.stages[stage].capacity
    assert capacity is not None
    if capacity.when_full == "lose":
        return False
    place = env.event()
    blocks.place_waiters[stage].append(place)
    yield place
    return True


def serve_stage(
    env: simpy.Environment,
    blocks: StageBlocks,
    stage: int,
    facility: Facility,
    log: EventLog,
    case: int,
    activity: int,
    duration: float,
    priority: int,
) -> Served:
    """Queue for a server of ``facility`` and serve; return the held request, or an outcome.

    Returns ``("served", request)`` with the server still held (the caller releases it once
    the customer has a place downstream), or ``("balked" | "reneged", None)``.
    """
    node, code = facility.node, facility.code
    impatience = blocks.stages[stage].impatience
    balk = blocks.balk_u[stage]
    if balk is not None and impatience is not None:
        busy = facility.resource.count >= facility.capacity
        if busy and balk() < impatience.balk_probability:
            return ("balked", None)
    batch = blocks.batches[stage]
    if batch is not None:
        yield from batch.serve(env, facility, log, case, activity, priority)
        return ("served", None)
    if blocks.stages[stage].preemptive:
        held = yield from blocks.preemption.serve(
            env, facility, log, case, activity, duration, priority
        )
        return ("served", held)
    patience = blocks.patience[stage]
    joined = env.now
    emit, instance = log.emit, log.new_instance()
    request = facility.request(priority=priority)
    if patience is None:
        emit((case, activity, instance, SCHEDULE, joined, node, code))
        yield request
    else:
        yield request | env.timeout(patience())
        if not request.triggered:
            request.cancel()
            return ("reneged", None)
        emit((case, activity, instance, SCHEDULE, joined, node, code))
    emit((case, activity, instance, START, env.now, node, code))
    yield env.timeout(duration)
    emit((case, activity, instance, COMPLETE, env.now, node, code))
    return ("served", request)


def visit_with_blocks(
    env: simpy.Environment, flow: StationFlow, blocks: StageBlocks, i: int
) -> Generator[simpy.Event, Any, None]:
    """Customer ``i`` arrives, passes its stages (with their blocks), exits or leaves early."""
    log, node, case = flow.log, flow.node, flow.first_case + i
    milestone(env, log, case, flow.arrival, node)
    flow.control.arrive()
    priority = flow.priority[i]
    held: tuple[Facility, simpy.resources.resource.PriorityRequest] | None = (
        None  # a server kept while blocked
    )
    at: int | None = None  # the stage the customer has a place at
    passes = [0] * len(flow.stage_facilities)
    stage, back, outcome = 0, None, ""
    while stage < len(flow.stage_facilities):
        if not flow.visits[stage][i] and stage != back:
            stage += 1
            continue
        admitted = yield from enter_stage(env, blocks, stage)
        if held is not None:
            held[0].resource.release(held[1])
            held = None
        if at is not None:
            blocks.leave(at)
            at = None
        if not admitted:
            outcome = "lost"
            break
        at = stage
        sampler = blocks.repeat_service[stage]
        duration = flow.services[stage][i] if not passes[stage] or sampler is None else sampler()
        passes[stage] += 1
        facility = flow.stage_facilities[stage]
        result, request = yield from serve_stage(
            env,
            blocks,
            stage,
            facility,
            log,
            case,
            flow.stage_activities[stage],
            duration,
            priority,
        )
        if result != "served":
            outcome = result
            break
        back = blocks.fed_back(stage)
        marker = flow.stage_milestones[stage]
        if marker is not None and back is None:
            milestone(env, log, case, marker, node)
        held = None if request is None else (facility, request)  # None: a batch's server is free
        if back is not None:  # rejoin: server and place are given up first (no deadlock)
            if request is not None:
                facility.resource.release(request)
            blocks.leave(stage)
            held, at = None, None
        stage = stage + 1 if back is None else back
    if held is not None:
        held[0].resource.release(held[1])
    if at is not None:
        blocks.leave(at)
    if outcome:
        milestone(env, log, case, blocks.outcome_codes[outcome], node)
    else:
        milestone(env, log, case, flow.exit, node)
    flow.control.exit()
    log.cases.finished[case] = True
    flow.control.finish(flow.measured[i])
