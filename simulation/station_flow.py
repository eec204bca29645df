"""Station flow: arrivals through a sequence of service stages (textbook queues, tandem lines).

Each customer samples at creation its class, and per stage whether it visits and its service
time, each from its own stream, so that two scenarios that differ only in capacities see the same
customers with the same work (common random numbers); this is what makes "more servers never
raise the mean wait" an exact property of FCFS stages rather than a statistical one.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from models.processes import StationFlowSpec
from simulation.arrivals import arrival_times
from simulation.context import ProcessContext
from simulation.control import RunControl
from simulation.facilities import Facility, Process, milestone, serve
from simulation.recorder import EventLog
from simulation.rng import Purpose, Streams
from simulation.sampling import DurationSampler, UniformSampler, choose


@dataclass(slots=True, eq=False)
class Customer:
    """One case of a station flow with its pre-drawn attributes."""

    case: int
    arrival_min: float
    measured: bool
    priority: int
    visits: list[bool]
    services: list[float]


class StationFlow:
    """Set-up of one station-flow process: its facilities, samplers and activity codes."""

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

    def customers(self, until_min: float) -> list[Customer]:
        """Every customer arriving before ``until_min``, attributes drawn, in arrival order."""
        times = arrival_times(self.spec.arrivals, self._arrivals_rng, until_min)
        stages = self.spec.stages
        result = []
        for t in times.tolist():
            customer_class = self.spec.classes[choose(self._shares, self._class_u())]
            visits = [
                u() < stage.probability for u, stage in zip(self._visit_u, stages, strict=True)
            ]
            customer = Customer(
                case=self.log.new_case(
                    "customer",
                    self.spec.name,
                    direction=self.spec.direction,
                    mode=self.spec.mode,
                    case_class=customer_class.name,
                ),
                arrival_min=t,
                measured=self.control.expect(t),
                priority=customer_class.priority,
                visits=visits,
                services=[draw() for draw in self._service],
            )
            result.append(customer)
        return result


def start_station_flow(spec: StationFlowSpec, ctx: ProcessContext) -> None:
    """Set up the stages and schedule every customer arriving before the admission limit."""
    ctx.log.declare_flow(spec.direction, spec.mode)
    flow = StationFlow(spec, dict(ctx.facilities), ctx.log, ctx.control, ctx.streams)
    ctx.env.process(arrivals(ctx.env, flow, flow.customers(ctx.arrivals_until_min)))


def arrivals(env: simpy.Environment, flow: StationFlow, customers: list[Customer]) -> Process:
    """Release the customers into the system at their arrival times."""
    for customer in customers:
        if customer.arrival_min > env.now:
            yield env.timeout(customer.arrival_min - env.now)
        env.process(visit(env, flow, customer))


def visit(env: simpy.Environment, flow: StationFlow, customer: Customer) -> Process:
    """Arrive, pass the stages the customer visits, exit."""
    log, node, case = flow.log, flow.node, customer.case
    milestone(env, log, case, flow.arrival, node)
    flow.control.arrive()
    for i, facility in enumerate(flow.stage_facilities):
        if customer.visits[i]:
            activity = flow.stage_activities[i]
            yield from serve(
                env, facility, log, case, activity, customer.services[i], customer.priority
            )
            marker = flow.stage_milestones[i]
            if marker is not None:
                milestone(env, log, case, marker, node)
    milestone(env, log, case, flow.exit, node)
    flow.control.exit()
    log.cases.finished[case] = True
    flow.control.finish(customer.measured)
