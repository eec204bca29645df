"""WCO TRS segments, named outcomes and overlong cases of the measured cases, per flow."""

from __future__ import annotations

import numpy as np

from clearsim.models.records import (
    OutcomeCount,
    OverlongCase,
    SegmentStat,
)
from clearsim.models.vocabulary import (
    CHANNEL_NAMES,
    FLOW_MILESTONES,
    MILESTONES,
    REPORTED_CHANNELS,
    TRS_SEGMENTS,
    segment_name,
)
from clearsim.simulation.log.recorder import EventLog
from clearsim.simulation.metrics.cases import Window, flow_masks, measured_cases, milestone_times


def segment_stats(
    log: EventLog, window: Window, times: np.ndarray | None = None
) -> list[SegmentStat]:
    """TRS segment statistics (hours) of every declared flow, for every case and per channel.

    Flows (direction and mode) are reported apart, never pooled: an export release in an hour
    and an import release in two days are different indicators (as GACC publishes them). A
    segment from or to a milestone only some flows record (a corridor's ``border_entry``, an
    export's ``departure``) is reported only for a flow some case of which recorded it.
    ``times`` is the log's :func:`milestone_times`, when the caller has it already.
    """
    times = milestone_times(log) if times is None else times
    measured = measured_cases(log, times, window)
    channel = np.asarray(log.cases.channel, dtype=np.int64)
    stats = []
    for direction, mode, in_flow in flow_masks(log):
        mine = measured & in_flow
        for start, end in flow_segments(times, in_flow):
            hours = (times[:, MILESTONES.index(end)] - times[:, MILESTONES.index(start)]) / 60.0
            for name in REPORTED_CHANNELS:
                mask = mine if name == "all" else mine & (channel == CHANNEL_NAMES.index(name))
                stats.append(
                    _segment_stat(direction, mode, segment_name(start, end), name, hours[mask])
                )
    return stats


def flow_segments(times: np.ndarray, in_flow: np.ndarray) -> list[tuple[str, str]]:
    """The TRS segments reported for a flow.

    One from or to a milestone of :data:`FLOW_MILESTONES` only if a case of the flow recorded it.
    """
    return [
        (start, end)
        for start, end in TRS_SEGMENTS
        if all(m not in FLOW_MILESTONES or _recorded(times, in_flow, m) for m in (start, end))
    ]


def _recorded(times: np.ndarray, cases: np.ndarray, milestone: str) -> bool:
    """Whether any of ``cases`` reached ``milestone``."""
    return bool(np.isfinite(times[cases, MILESTONES.index(milestone)]).any())


def _segment_stat(
    direction: str, mode: str, segment: str, channel: str, hours: np.ndarray
) -> SegmentStat:
    values = hours[~np.isnan(hours)]
    if values.size == 0:
        nan = float("nan")
        return SegmentStat(direction, mode, segment, channel, 0, nan, nan, nan, nan, nan)
    return SegmentStat(
        direction=direction,
        mode=mode,
        segment=segment,
        channel=channel,
        n=int(values.size),
        mean_h=float(values.mean()),
        median_h=float(np.median(values)),
        p90_h=float(np.percentile(values, 90)),
        share_24h=float(np.mean(values <= 24.0)),
        share_48h=float(np.mean(values <= 48.0)),
    )


def outcome_counts(
    log: EventLog, window: Window, times: np.ndarray | None = None
) -> list[OutcomeCount]:
    """Per registered (process, outcome), how many measured cases recorded that outcome.

    ``times`` is the log's :func:`milestone_times`, when the caller has it already.
    """
    times = milestone_times(log) if times is None else times
    measured = measured_cases(log, times, window)
    process_of = np.asarray(log.cases.process, dtype=object)
    names = sorted({outcome for _, outcome in log.process_outcomes})
    outcome_of = np.full(len(log.activities), -1, dtype=np.int16)  # activity -> outcome index
    for index, name in enumerate(names):
        outcome_of[log.activity(name)] = index
    which = outcome_of[log.column("activity")]
    found = which >= 0
    pairs = np.unique(log.column("case")[found].astype(np.int64) * len(names) + which[found])
    del which, found
    cases_of = {
        name: pairs[pairs % len(names) == index] // len(names) for index, name in enumerate(names)
    }
    counts = []
    for process, outcome in log.process_outcomes:
        cases = cases_of[outcome]
        cases = cases[measured[cases] & (process_of[cases] == process)]
        counts.append(OutcomeCount(process=process, outcome=outcome, cases=int(cases.size)))
    return counts


def overlong_cases(
    log: EventLog,
    window: Window,
    threshold_h: float,
    segments: tuple[str, ...],
    end_min: float,
    times: np.ndarray | None = None,
) -> list[OverlongCase]:
    """Measured cases whose ``segments`` ran past ``threshold_h`` (open ones up to ``end_min``).

    The seeds ask customs to monitor overlong unreleased declarations (SEED-003 s22): a case
    counts when its segment took longer than the threshold, or when it started, had not ended
    by the end of the run (the case still unfinished) and had already been open longer than
    the threshold. A finished case that never reached the segment's end (a cancelled order, a
    flow without that milestone) is not overlong in it. ``times`` is the log's
    :func:`milestone_times`, when the caller has it already.
    """
    times = milestone_times(log) if times is None else times
    measured = measured_cases(log, times, window)
    unfinished = ~np.asarray(log.cases.finished, dtype=bool)
    found: list[OverlongCase] = []
    for start, end in TRS_SEGMENTS:
        name = segment_name(start, end)
        if name not in segments:
            continue
        began = times[:, MILESTONES.index(start)]
        ended = times[:, MILESTONES.index(end)]
        is_open = np.isnan(ended) & unfinished
        hours = (np.where(is_open, end_min, ended) - began) / 60.0
        with np.errstate(invalid="ignore"):
            over = measured & ~np.isnan(began) & (hours > threshold_h)
        over &= ~np.isnan(ended) | is_open
        found.extend(
            OverlongCase(
                case_id=log.case_name(case),
                process=log.cases.process[case],
                direction=log.cases.direction[case],
                mode=log.cases.mode[case],
                segment=name,
                start_min=float(began[case]),
                hours=float(hours[case]),
                open=bool(is_open[case]),
            )
            for case in np.flatnonzero(over).tolist()
        )
    return found
