"""The cases of a log: milestone times, the measurement window, flows, outcomes, warm-up.

Warm-up truncation happens here: TRS statistics cover cases that arrive within
``[warmup_min, horizon_min)`` (:func:`measured_cases`); resource statistics cover the same
window of time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from clearsim.analysis.output_analysis import MSER_BATCH, mser5
from clearsim.models.records import (
    ShipmentOutcome,
)
from clearsim.models.vocabulary import (
    CHANNEL_NAMES,
    MILESTONES,
)
from clearsim.simulation.log.recorder import EventLog


@dataclass(frozen=True)
class Window:
    """The measurement window of simulated minutes."""

    start_min: float
    end_min: float

    @property
    def length_min(self) -> float:
        """Length of the window."""
        return self.end_min - self.start_min


def milestone_times(log: EventLog) -> np.ndarray:
    """Array ``(n_cases, len(MILESTONES))`` of milestone times in minutes (NaN if not reached)."""
    table = np.full((len(log.cases), len(MILESTONES)), np.nan)
    if not log.rows:
        return table
    cols = log.columns()
    # int8: the per-row lookup below is one byte a row (a million-order log has 24 M rows).
    code_to_column = np.full(len(log.activities), -1, dtype=np.int8)
    for column, name in enumerate(MILESTONES):
        code_to_column[log.activities.index(name)] = column
    column_of_row = code_to_column[cols["activity"]]
    mask = column_of_row >= 0
    table[cols["case"][mask], column_of_row[mask]] = cols["time"][mask]
    return table


def shipment_outcomes(log: EventLog) -> list[ShipmentOutcome]:
    """One :class:`ShipmentOutcome` per shipment case."""
    times = milestone_times(log)
    cases = log.cases
    return [
        ShipmentOutcome(
            case_id=log.case_name(case),
            process=cases.process[case],
            object_type=cases.object_type[case],
            direction=cases.direction[case],
            mode=cases.mode[case],
            case_class=cases.case_class[case],
            channel=CHANNEL_NAMES[cases.channel[case]],
            aeo=cases.aeo[case],
            advance_declared=cases.advance_declared[case],
            two_step=cases.two_step[case],
            direct_path=cases.direct_path[case],
            destination=cases.destination[case],
            arrival_min=float(times[case, 0]),
            lodgement_min=float(times[case, 1]),
            release_min=float(times[case, 2]),
            exit_min=float(times[case, 3]),
            delivery_min=float(times[case, 4]),
        )
        for case in range(len(cases))
        if cases.shipment[case]
    ]


def measured_cases(log: EventLog, times: np.ndarray, window: Window) -> np.ndarray:
    """Boolean mask of shipment cases arriving within the window."""
    is_shipment = np.asarray(log.cases.shipment, dtype=bool)
    arrival = times[:, MILESTONES.index("arrival")]
    with np.errstate(invalid="ignore"):
        return is_shipment & (arrival >= window.start_min) & (arrival < window.end_min)


def flow_masks(log: EventLog) -> list[tuple[str, str, np.ndarray]]:
    """(direction, mode, mask of its cases) for every flow the processes declared."""
    direction = np.asarray(log.cases.direction, dtype=object)
    mode = np.asarray(log.cases.mode, dtype=object)
    return [(d, m, (direction == d) & (mode == m)) for d, m in log.flows]


def mser5_warmup_min(log: EventLog, times: np.ndarray) -> float:
    """MSER-5's warm-up (White 1997) on the first flow's arrival->release times, in minutes.

    The series is every case of the first declared flow that was released, in order of arrival,
    from time zero (warm-up cases included); the result is the arrival time of the first case
    MSER-5 keeps (0 when it keeps them all). NaN with fewer than 20 released cases.
    """
    flows = flow_masks(log)
    if not flows:
        return math.nan
    arrival = times[:, MILESTONES.index("arrival")]
    release = times[:, MILESTONES.index("release")]
    shipment = np.asarray(log.cases.shipment, dtype=bool)
    keep = flows[0][2] & shipment & np.isfinite(arrival) & np.isfinite(release)
    order = np.argsort(arrival[keep], kind="stable")
    arrivals = arrival[keep][order]
    if arrivals.size < 4 * MSER_BATCH:
        return math.nan
    cut = mser5((release[keep][order] - arrivals).tolist()).observations
    return 0.0 if cut == 0 else float(arrivals[cut])
