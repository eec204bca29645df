"""Steps of the inspection of export goods shared by the export processes (9710, 1039, sea).

The statutory inspection (法定检验) of goods on the catalogue happens at the exporter's premises
before the declaration; under batch inspection (出口批次检验, SEED-003 s8) a pilot exporter's
later consignments of an inspected production batch go on the batch's result
(models/export_inspection.py). Each process keeps its own entities and activity codes; these
functions hold the one rule and the one step they share.
"""

from __future__ import annotations

import simpy

from clearsim.simulation.kernel.facilities import Process, delay, milestone
from clearsim.simulation.log.recorder import EventLog


def later_of_batch(position_u: float, batch_size: int) -> bool:
    """Whether a consignment is not the first of its production batch of ``batch_size``.

    ``position_u`` is a uniform on [0, 1): one consignment in ``batch_size`` is the first (a
    batch of 0 or 1 has only a first).
    """
    return position_u * batch_size >= 1.0


def statutory_inspection(
    env: simpy.Environment,
    log: EventLog,
    case: int,
    node: int,
    activity: int,
    covered_outcome: int,
    covered: bool,
    duration_min: float,
) -> Process:
    """法检 at the exporter's premises, from the request to the result (电子底账).

    A consignment ``covered`` by its batch's result records ``covered_outcome`` and waits for
    nothing.
    """
    if covered:
        milestone(env, log, case, covered_outcome, node)
        return
    yield from delay(env, log, case, activity, node, duration_min)
