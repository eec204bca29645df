"""TRS segment means per flow for the cases lodged before their arrival and those lodged after."""

from __future__ import annotations

import numpy as np

from clearsim.models.records import LodgementTiming
from clearsim.models.vocabulary import MILESTONES
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.cases import Window, flow_masks, measured_cases, milestone_times

SIDES = ("before_arrival", "after_arrival")
"""``LodgementTiming.lodged``: lodged strictly before the arrival, or at or after it."""


def lodgement_timing(
    log: EventLog, window: Window, times: np.ndarray | None = None
) -> list[LodgementTiming]:
    """Each flow's measured cases with a lodgement, split by the side of arrival they lodged on.

    Means of arrival->lodgement (negative before arrival), lodgement->release and release->exit,
    hours; a segment without a case on that side is NaN. Flows without lodgements give no rows.
    """
    times = milestone_times(log) if times is None else times
    measured = measured_cases(log, times, window)
    arrival, lodgement, release, exit_ = (
        times[:, MILESTONES.index(name)] for name in ("arrival", "lodgement", "release", "exit")
    )
    ahead = lodgement - arrival
    stats = []
    for direction, mode, in_flow in flow_masks(log):
        lodged = measured & in_flow & ~np.isnan(ahead)
        if not lodged.any():
            continue
        for side, mask in zip(SIDES, (lodged & (ahead < 0), lodged & (ahead >= 0)), strict=True):
            stats.append(
                LodgementTiming(
                    direction=direction,
                    mode=mode,
                    lodged=side,
                    n=int(mask.sum()),
                    arrival_lodgement_h=_mean_h(ahead[mask]),
                    lodgement_release_h=_mean_h(release[mask] - lodgement[mask]),
                    release_exit_h=_mean_h(exit_[mask] - release[mask]),
                )
            )
    return stats


def _mean_h(minutes: np.ndarray) -> float:
    values = minutes[~np.isnan(minutes)]
    return float(values.mean() / 60.0) if values.size else float("nan")
