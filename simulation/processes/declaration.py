"""The customs declaration building block the cargo processes share: lodge, screen, review.

Every declaration of sea import and export, rail and air cargo starts the same way: the
declarant lodges it at its pre-drawn time (the ``lodgement`` milestone), the risk engine
screens it automatically and routes it to a channel, and an officer reviews the documents of a
yellow or red one. What follows (duty, a guarantee, nothing for exports or bonded entries) is
the calling process's own.

A declaration lodged in advance (提前申报) is lodged its lead time before the goods arrive, for
goods arriving soon after the run's start before minute 0: the lodgement is then recorded at its
true, negative time, and so is the screening, which needs no server (:func:`lodge`). Work that
needs a server, the officers' review, starts from the clock's time, minute 0 at the earliest.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from clearsim.models.distributions import Duration
from clearsim.models.processes import InspectionSpec
from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import (
    Facility,
    Process,
    TimedProcess,
    delay_since,
    milestone_at,
    serve,
)
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

    A lodgement before the run's start and its screening are recorded at their own times
    (:func:`lodge`); the review, which needs an officer, starts now at the earliest.
    ``reviewed=False`` skips the officer's review (a bonded entry list, checked at the zone).
    """
    log = desk.log
    lodged = yield from lodge(env, log, case, desk.lodgement, desk.node, lodgement_min)
    yield from delay_since(env, log, case, desk.risk_screening, desk.node, lodged, screening_min)
    log.cases.channel[case] = int(channel)
    if reviewed and channel != Channel.GREEN:
        yield from serve(env, desk.officers, log, case, desk.document_review, review_min, priority)


def lodge(
    env: simpy.Environment, log: EventLog, case: int, activity: int, node: int, lodgement_min: float
) -> TimedProcess:
    """Record the lodgement milestone ``activity`` at ``lodgement_min``; return the time recorded.

    A lodgement before the run's start (minute 0: lodged in advance of goods arriving soon after
    it) is recorded at once at its own time, in the past; steps without a server that follow it
    run from there (:func:`~clearsim.simulation.kernel.facilities.delay_since`). Any other is
    recorded when the clock reaches it, waiting if it is ahead.
    """
    if lodgement_min < 0.0:
        milestone_at(log, case, activity, node, lodgement_min)
        return lodgement_min
    if lodgement_min > env.now:
        yield env.timeout(lodgement_min - env.now)
    milestone_at(log, case, activity, node, env.now)  # a float may round off the lodgement
    return env.now


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
