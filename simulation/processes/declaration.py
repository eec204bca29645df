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

from clearsim.models.vocabulary import Channel
from clearsim.simulation.kernel.facilities import Facility, Process, delay, milestone, serve
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
