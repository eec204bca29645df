"""Station flow: arrivals through a sequence of service stages (textbook queues, tandem lines).

Each customer samples at creation its class, and per stage whether it visits and its service
time, each from its own stream, so that two scenarios that differ only in capacities see the same
customers with the same work (common random numbers); this is what makes "more servers never
raise the mean wait" an exact property of FCFS stages rather than a statistical one.

When every class has the same priority and each stage's facility serves that stage alone, every
stage is a plain FCFS queue: customers then wait in
:class:`~clearsim.simulation.fastpath.fifo_line.FifoLine` s and go from stage to stage by callbacks,
with no process each (the same queues, fewer SimPy events; ``tests/test_fast_paths.py`` compares the
two on the same draws).

A flow with a stage using an engine block (finite capacity, impatience, feedback, batch service,
preemption) is always served by the reference generator of
:mod:`~clearsim.simulation.processes.station_flow.blocks`; a flow without one runs exactly as
before (the same draws and rows).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import simpy

from clearsim.models.station_flow import StationFlowSpec
from clearsim.simulation.fastpath.computed_line import ComputedLine
from clearsim.simulation.fastpath.fifo_line import FifoLine
from clearsim.simulation.kernel.arrivals import arrival_times
from clearsim.simulation.kernel.control import RunControl
from clearsim.simulation.kernel.facilities import Facility, Process, milestone, serve
from clearsim.simulation.kernel.rng import Purpose, Streams
from clearsim.simulation.kernel.sampling import DurationSampler, UniformSampler, choose_many
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.processes.context import ProcessContext
from clearsim.simulation.processes.station_flow.blocks import StageBlocks, visit_with_blocks


class StationFlow:
    """Set-up of one station-flow process: its facilities, samplers, activity codes, customers.

    Customers are drawn in bulk (:meth:`draw_customers`) and kept column-wise, customer ``i``
    being case ``first_case + i``: one list per attribute and per stage, no object per customer.
    """

    def __init__(
        self,
        spec: StationFlowSpec,
        facilities: dict[str, Facility],
        log: EventLog,
        control: RunControl,
        streams: Streams,
    ) -> None:
        self.spec = spec
        self.log = log
        self.control = control
        self.node = log.node(spec.node)
        self.stage_facilities = [facilities[stage.resource] for stage in spec.stages]
        self.stage_activities = [log.activity(stage.activity) for stage in spec.stages]
        self.stage_milestones = [
            None
            if stage.milestone_on_complete is None
            else log.activity(stage.milestone_on_complete)
            for stage in spec.stages
        ]
        self.arrival, self.exit = log.activity("arrival"), log.activity("exit")
        name = spec.name
        self._arrivals_rng = streams.generator(Purpose.ARRIVALS, name)
        self._class_u = UniformSampler(streams.generator(Purpose.ATTRIBUTES, name, "class"))
        self._visit_u = [
            UniformSampler(streams.generator(Purpose.ROUTING, name, stage.activity))
            for stage in spec.stages
        ]
        self._service = [
            DurationSampler(
                stage.service_min, streams.generator(Purpose.SERVICE, name, stage.activity)
            )
            for stage in spec.stages
        ]
        self._shares = tuple(c.share for c in spec.classes)
        self.first_case = 0
        self.arrival_min: list[float] = []
        self.measured: list[bool] = []
        self.priority: list[int] = []
        self.visits: list[list[bool]] = []
        self.services: list[list[float]] = []

    def draw_customers(self, until_min: float) -> int:
        """Draw every customer arriving before ``until_min``, in arrival order; return how many.

        Customer ``i`` takes the ``i``-th value of each stream (class, each stage's visit and
        service), exactly as if drawn one customer at a time.
        """
        times = arrival_times(self.spec.arrivals, self._arrivals_rng, until_min)
        n = len(times)
        classes = self.spec.classes
        class_index = choose_many(self._shares, self._class_u.take(n)).tolist()
        self.visits = [
            (u.take(n) < stage.probability).tolist()
            for u, stage in zip(self._visit_u, self.spec.stages, strict=True)
        ]
        self.services = [draw.take(n).tolist() for draw in self._service]
        cases = self.log.new_cases(
            "customer",
            self.spec.name,
            [classes[k].name for k in class_index],
            direction=self.spec.direction,
            mode=self.spec.mode,
        )
        self.first_case = cases.start
        self.arrival_min = times.tolist()
        self.measured = [self.control.expect(t) for t in self.arrival_min]
        self.priority = [classes[k].priority for k in class_index]
        return n


def start_station_flow(spec: StationFlowSpec, ctx: ProcessContext) -> None:
    """Set up the stages and schedule every customer arriving before the admission limit."""
    ctx.log.declare_flow(spec.direction, spec.mode)
    env = ctx.env
    flow = StationFlow(spec, dict(ctx.facilities), ctx.log, ctx.control, ctx.streams)
    customers = flow.draw_customers(ctx.arrivals_until_min)
    if spec.uses_blocks:
        blocks = StageBlocks(spec, ctx.streams, ctx.log)
        admit: Callable[[int], object] = lambda i: env.process(  # noqa: E731
            visit_with_blocks(env, flow, blocks, i)
        )
    elif ctx.options.fast_path and served_by_lines(spec, ctx.exclusive_resources):
        lines = [ctx.line(stage.resource) for stage in spec.stages]
        admit = LinedFlow(env, flow, lines).enter
    else:
        admit = lambda i: env.process(visit(env, flow, i))  # noqa: E731
    env.process(arrivals(env, flow.arrival_min, customers, admit))


def served_by_lines(spec: StationFlowSpec, exclusive_resources: frozenset[str]) -> bool:
    """Whether every stage is a plain FCFS queue: one priority, no facility shared with others.

    A stage using an engine block (capacity, impatience, feedback) is never a plain FCFS queue:
    such a flow is refused here and served by the reference generator
    (:func:`~clearsim.simulation.processes.station_flow.blocks.visit_with_blocks`).
    """
    return (
        not spec.uses_blocks
        and len({c.priority for c in spec.classes}) == 1
        and all(stage.resource in exclusive_resources for stage in spec.stages)
    )


def arrivals(
    env: simpy.Environment, times: list[float], customers: int, admit: Callable[[int], object]
) -> Process:
    """Admit customer ``i`` into the system at its arrival time ``times[i]``."""
    for i in range(customers):
        if times[i] > env.now:
            yield env.timeout(times[i] - env.now)
        admit(i)


def visit(env: simpy.Environment, flow: StationFlow, i: int) -> Process:
    """Customer ``i`` arrives, passes the stages it visits, exits."""
    log, node, case = flow.log, flow.node, flow.first_case + i
    milestone(env, log, case, flow.arrival, node)
    flow.control.arrive()
    priority = flow.priority[i]
    for stage, facility in enumerate(flow.stage_facilities):
        if flow.visits[stage][i]:
            activity = flow.stage_activities[stage]
            yield from serve(env, facility, log, case, activity, flow.services[stage][i], priority)
            marker = flow.stage_milestones[stage]
            if marker is not None:
                milestone(env, log, case, marker, node)
    milestone(env, log, case, flow.exit, node)
    flow.control.exit()
    log.cases.finished[case] = True
    flow.control.finish(flow.measured[i])


class LinedFlow:
    """Customers passed from stage to stage by callbacks, each stage a FIFO line.

    The lines are computed (:mod:`clearsim.simulation.fastpath.computed_line`) when chains are
    planned ahead, feeder lines otherwise. Records the rows :func:`visit` records, at the same
    times; only rows of exactly equal time may come in another order, as a callback goes on where a
    process would resume a step later.
    """

    __slots__ = ("env", "flow", "lines", "stages")

    def __init__(
        self,
        env: simpy.Environment,
        flow: StationFlow,
        lines: list[FifoLine | ComputedLine],
    ) -> None:
        self.env = env
        self.flow = flow
        self.lines = lines
        self.stages = len(self.lines)

    def enter(self, i: int) -> None:
        """Customer ``i`` arrives and joins its first stage."""
        flow = self.flow
        milestone(self.env, flow.log, flow.first_case + i, flow.arrival, flow.node)
        flow.control.arrive()
        self._next(i, 0)

    def _next(self, i: int, stage: int) -> None:
        """Join the first stage from ``stage`` on that customer ``i`` visits, or exit."""
        flow = self.flow
        for s in range(stage, self.stages):
            if flow.visits[s][i]:
                self.lines[s].serve_then(
                    flow.first_case + i,
                    flow.stage_activities[s],
                    flow.services[s][i],
                    partial(self._served, i, s),
                )
                return
        case, control = flow.first_case + i, flow.control
        milestone(self.env, flow.log, case, flow.exit, flow.node)
        control.exit()
        flow.log.cases.finished[case] = True
        control.finish(flow.measured[i])

    def _served(self, i: int, stage: int) -> None:
        marker = self.flow.stage_milestones[stage]
        if marker is not None:
            flow = self.flow
            milestone(self.env, flow.log, flow.first_case + i, marker, flow.node)
        self._next(i, stage + 1)
