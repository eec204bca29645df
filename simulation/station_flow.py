"""Station flow: arrivals through a sequence of service stages (textbook queues, tandem lines).

Each customer samples at creation its class, and per stage whether it visits and its service
time, each from its own stream, so that two scenarios that differ only in capacities see the same
customers with the same work (common random numbers); this is what makes "more servers never
raise the mean wait" an exact property of FCFS stages rather than a statistical one.
"""

from __future__ import annotations

import simpy

from models.processes import StationFlowSpec
from simulation.arrivals import arrival_times
from simulation.context import ProcessContext
from simulation.control import RunControl
from simulation.facilities import Facility, Process, milestone, serve
from simulation.recorder import EventLog
from simulation.rng import Purpose, Streams
from simulation.sampling import DurationSampler, UniformSampler, choose_many


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
    flow = StationFlow(spec, dict(ctx.facilities), ctx.log, ctx.control, ctx.streams)
    ctx.env.process(arrivals(ctx.env, flow, flow.draw_customers(ctx.arrivals_until_min)))


def arrivals(env: simpy.Environment, flow: StationFlow, customers: int) -> Process:
    """Release the customers into the system at their arrival times."""
    times = flow.arrival_min
    for i in range(customers):
        if times[i] > env.now:
            yield env.timeout(times[i] - env.now)
        env.process(visit(env, flow, i))


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
