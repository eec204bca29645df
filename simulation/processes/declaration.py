"""The customs declaration building block the cargo processes share: lodge, screen, review.

Every declaration of sea import and export, rail and air cargo starts the same way: the
declarant lodges it at its pre-drawn time (the ``lodgement`` milestone), the risk engine
screens it automatically and routes it to a channel, and an officer reviews the documents of a
yellow or red one. What follows (duty, a guarantee, nothing for exports or bonded entries) is
the calling process's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from clearsim.models.distributions import Duration
from clearsim.models.processes import InspectionSpec
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import Facility, Process, delay, milestone, serve
from clearsim.simulation.kernel.rng import Purpose
from clearsim.simulation.kernel.sampling import DurationSampler, ProcessSamplers, UniformSampler
from clearsim.simulation.log.recorder import EventLog


@dataclass(frozen=True, slots=True)
class DeclarationDesk:
    """Where a site's declarations are handled: its log, officers, node and activity codes."""

    log: EventLog
    officers: Facility
    node: int
    lodgement: int
    risk_screening: int
    document_review: int

    @classmethod
    def at(cls, log: EventLog, officers: Facility, node: int) -> DeclarationDesk:
        """The desk at ``node``, its three activities registered with ``log`` in this order."""
        a = log.activity
        return cls(log, officers, node, a("lodgement"), a("risk_screening"), a("document_review"))


def lodge_and_screen(
    env: simpy.Environment,
    desk: DeclarationDesk,
    case: int,
    lodgement_min: float,
    screening_min: float,
    channel: Channel,
    review_min: float,
    priority: int,
    *,
    reviewed: bool = True,
) -> Process:
    """Lodge at ``lodgement_min``, screen, record the channel, review unless green.

    ``reviewed=False`` skips the officer's review (a bonded entry list, checked at the zone).
    """
    log = desk.log
    if lodgement_min > env.now:
        yield env.timeout(lodgement_min - env.now)
    milestone(env, log, case, desk.lodgement, desk.node)
    yield from delay(env, log, case, desk.risk_screening, desk.node, screening_min)
    log.cases.channel[case] = int(channel)
    if reviewed and channel != Channel.GREEN:
        yield from serve(env, desk.officers, log, case, desk.document_review, review_min, priority)


class CustomsDraws:
    """What every cargo declaration and its inspection draw, each from its own named stream.

    Uniforms decide whether the declaration is lodged in advance (``advance``), its risk
    channel (``channel``) and whether an inspection finds a hold (``hold``); durations are the
    officer's document review and the inspection's planning, duration and hold. A process's
    entity factory holds one and draws the rest of its cases' attributes itself.
    """

    __slots__ = ("advance", "channel", "hold", "hold_min", "inspect", "plan", "review")

    def __init__(
        self, samplers: ProcessSamplers, review_min: Duration, inspection: InspectionSpec
    ) -> None:
        durations, uniforms = samplers.durations, samplers.uniforms
        self.advance: UniformSampler = uniforms(Purpose.DECLARATION, "advance")
        self.channel: UniformSampler = uniforms(Purpose.RISK, "channel")
        self.hold: UniformSampler = uniforms(Purpose.INSPECTION, "hold")
        self.review: DurationSampler = durations(Purpose.REVIEW, "document_review", review_min)
        self.plan: DurationSampler = durations(Purpose.INSPECTION, "plan", inspection.plan_min)
        self.inspect: DurationSampler = durations(
            Purpose.INSPECTION, "duration", inspection.duration_min
        )
        self.hold_min: DurationSampler = durations(
            Purpose.INSPECTION, "hold_duration", inspection.hold_min
        )
