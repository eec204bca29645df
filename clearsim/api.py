"""clearsim's Python API: load scenarios, run replications, compare, and read pandas DataFrames.

Everything a notebook needs, in one module (``docs/guides/python-api.md``)::

    import clearsim

    base = clearsim.load_scenario("scenarios/sea_import_baseline.yaml")
    reform = clearsim.load_scenario(base, {"processes.yangluo_import.aeo_share": 0.5})
    runs = clearsim.run(base, replications=5, seed=7)
    runs.segments()                         # TRS segments (also .causes(), .cases(), .events())
    clearsim.compare([base, reform], replications=5).differences()
    clearsim.levers(base, replications=5)   # a server more, 24 h staffing: ranked effects

Replications run through the executor of ``clearsim run``; compared scenarios share seed and
replication numbers (paired: common random numbers). DataFrames give durations in hours and
instants as Asia/Shanghai timestamps.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clearsim.analysis.aggregate import ScenarioReport, aggregate
from clearsim.analysis.comparison import compare as compare_segments
from clearsim.analysis.comparison import compare_resources
from clearsim.analysis.levers import DEFAULT_PRACTICAL_H, lever_effects
from clearsim.analysis.statistics import DEFAULT_CONFIDENCE, Estimate
from clearsim.flows.dataset.clock import LOCAL_ZONE, epoch_ms, start_epoch_ms
from clearsim.flows.execution.replications import default_workers, run_replications
from clearsim.models.records import RunSummary
from clearsim.models.scenario import Scenario
from clearsim.models.vocabulary import LIFECYCLE_NAMES
from clearsim.scenarios.levers import lever_variants
from clearsim.scenarios.load import load_scenario as _load_file
from clearsim.scenarios.overrides import with_values
from clearsim.simulation.log.recorder import NO_RESOURCE, EventLog
from clearsim.simulation.metrics.cases import shipment_outcomes
from clearsim.simulation.run import run_replication

ScenarioSource = Scenario | str | Path | Mapping[str, Any]
"""A scenario, a YAML file's path, or a scenario as a mapping (the YAML's content)."""


def load_scenario(source: ScenarioSource, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """A validated scenario from a file, a mapping or another scenario, with overrides applied.

    Args:
        source: a path to a YAML file (``extends:`` resolved as by the CLI), a mapping with a
            scenario's fields, or a :class:`Scenario`.
        overrides: dotted paths and their values, as ``--set`` takes them, e.g.
            ``{"resources.inspection_lanes.capacity": 4}``.

    Raises:
        clearsim.scenarios.load.ScenarioError: the file cannot be read or does not validate.
        pydantic.ValidationError: the mapping does not validate.
        clearsim.scenarios.overrides.OverrideError: an override names no field or is invalid.
    """
    if isinstance(source, Scenario):
        scenario = source
    elif isinstance(source, str | Path):
        scenario = _load_file(source)
    else:
        scenario = Scenario.model_validate(dict(source))
    return with_values(scenario, overrides) if overrides else scenario


def _estimate_columns(prefix: str, estimate: Estimate) -> dict[str, float]:
    """An estimate as columns: ``prefix`` (the mean), ``prefix_low``/``_high``/``_half_width``."""
    return {
        prefix: estimate.mean,
        f"{prefix}_half_width": estimate.half_width,
        f"{prefix}_low": estimate.low,
        f"{prefix}_high": estimate.high,
    }


def _local(start: datetime, minutes: Any) -> pd.Series:
    """Asia/Shanghai timestamps of simulated minutes after ``start``, to the millisecond.

    Rounded as datasets round them (:mod:`clearsim.flows.dataset.clock`), so an instant here is
    the instant a dataset written from the same run holds; a NaN minute is ``NaT``.
    """
    values = np.asarray(minutes, dtype=np.float64)
    ms = pd.Series(epoch_ms(start_epoch_ms(start), values)).where(np.isfinite(values))
    return pd.to_datetime(ms, unit="ms", utc=True).dt.tz_convert(LOCAL_ZONE)


@dataclass
class Replications:
    """A scenario's replications: their summaries, and their event logs on demand.

    A replication's event log is simulated again when first asked for (same scenario, seed and
    replication give the same log), then kept, so a large run does not hold every log.
    """

    scenario: Scenario
    seed: int
    summaries: tuple[RunSummary, ...]
    confidence: float = DEFAULT_CONFIDENCE
    _logs: dict[int, EventLog] = field(default_factory=dict, repr=False)

    @property
    def report(self) -> ScenarioReport:
        """The aggregated report that ``clearsim run`` prints."""
        return aggregate(
            self.scenario.name, self.summaries, self.scenario.monitoring, self.confidence
        )

    def log(self, replication: int = 0) -> EventLog:
        """The engine's event log of one replication (simulated on first use)."""
        if replication not in {s.replication for s in self.summaries}:
            raise ValueError(f"replication {replication} was not run")
        if replication not in self._logs:
            self._logs[replication] = run_replication(self.scenario, replication, self.seed).log
        return self._logs[replication]

    def events(self, replication: int = 0) -> pd.DataFrame:
        """One replication's event log, one row an event, with pm4py/XES column names.

        Columns: ``case:concept:name``, ``concept:name``, ``activity_instance``,
        ``lifecycle:transition`` (schedule, start, complete), ``time:timestamp`` (Asia/Shanghai),
        ``time_min`` (minutes from the start), ``node`` and ``org:resource``.
        """
        log = self.log(replication)
        columns = log.columns()
        cases = columns["case"]
        names = pd.Series([log.case_name(c) for c in range(len(log.cases))], dtype="string")
        frame = pd.DataFrame(
            {
                "case:concept:name": names.iloc[cases].to_numpy(),
                "concept:name": pd.Categorical.from_codes(
                    columns["activity"], categories=list(log.activities)
                ),
                "activity_instance": columns["instance"],
                "lifecycle:transition": pd.Categorical.from_codes(
                    columns["lifecycle"], categories=list(LIFECYCLE_NAMES)
                ),
                "time_min": columns["time"],
                "node": pd.Categorical.from_codes(columns["node"], categories=list(log.nodes)),
                "org:resource": [
                    "" if code == NO_RESOURCE else log.resources[code]
                    for code in columns["resource"]
                ],
            }
        )
        frame.insert(4, "time:timestamp", _local(self.scenario.start, columns["time"]).array)
        return frame

    def cases(self, replication: int = 0) -> pd.DataFrame:
        """One replication's shipments, one row each, with their TRS milestones as timestamps.

        Milestones not reached (a case still open when the run ended) are ``NaT``;
        ``arrival_to_release_h`` and the other segments are durations in hours.
        """
        outcomes = shipment_outcomes(self.log(replication))
        frame = pd.DataFrame([{f.name: getattr(o, f.name) for f in fields(o)} for o in outcomes])
        if frame.empty:
            return frame
        milestones = ("arrival", "lodgement", "release", "exit", "delivery")
        for name in milestones:
            frame[name] = _local(self.scenario.start, frame.pop(f"{name}_min")).array
        for start, end in (
            ("arrival", "lodgement"),
            ("lodgement", "release"),
            ("release", "exit"),
            ("arrival", "release"),
            ("arrival", "exit"),
        ):
            frame[f"{start}_to_{end}_h"] = (frame[end] - frame[start]) / timedelta(hours=1)
        return frame

    def segments(self) -> pd.DataFrame:
        """TRS segments of every flow and channel: each statistic's mean over replications, CI."""
        rows = []
        for seg in self.report.segments:
            row: dict[str, Any] = {
                "direction": seg.direction,
                "mode": seg.mode,
                "segment": seg.segment,
                "channel": seg.channel,
            }
            for name in ("cases", "mean_h", "median_h", "p90_h", "share_24h", "share_48h"):
                row.update(_estimate_columns(name, getattr(seg, name)))
            rows.append(row)
        return pd.DataFrame(rows)

    def causes(self) -> pd.DataFrame:
        """Where each flow's segment hours go: hours and share per cause, with CIs.

        One row per flow, segment and cause (``CAUSES`` order); over a segment's causes,
        ``mean_h`` adds up to the segment's mean hours.
        """
        rows = []
        for cause in self.report.causes:
            row: dict[str, Any] = {
                "direction": cause.direction,
                "mode": cause.mode,
                "segment": cause.segment,
                "cause": cause.cause,
            }
            for name in ("cases", "mean_h", "share"):
                row.update(_estimate_columns(name, getattr(cause, name)))
            rows.append(row)
        return pd.DataFrame(rows)

    def resources(self) -> pd.DataFrame:
        """Every resource: capacity, staffed share, utilisation, queue, wait, peak, with CIs."""
        rows = []
        for res in self.report.resources:
            row: dict[str, Any] = {"resource": res.resource, "capacity": res.capacity}
            for figure in fields(res)[2:]:  # every figure after the name and capacity
                row.update(_estimate_columns(figure.name, getattr(res, figure.name)))
            rows.append(row)
        return pd.DataFrame(rows)

    def runs(self) -> pd.DataFrame:
        """One row per replication and segment: the per-replication figures behind the CIs."""
        return pd.DataFrame(
            [
                {
                    "replication": s.replication,
                    **{f.name: getattr(seg, f.name) for f in fields(seg)},
                }
                for s in self.summaries
                for seg in s.segments
            ]
        )


@dataclass
class Comparison:
    """Scenarios run on the same streams; differences are to the first (the reference)."""

    runs: tuple[Replications, ...]
    confidence: float = DEFAULT_CONFIDENCE

    @property
    def reference(self) -> Replications:
        """The first scenario's replications."""
        return self.runs[0]

    def _others(self) -> dict[str, Sequence[RunSummary]]:
        return {r.scenario.name: r.summaries for r in self.runs[1:]}

    def segments(self) -> pd.DataFrame:
        """Every scenario's segment table, one after the other, with a ``scenario`` column."""
        return pd.concat(
            [r.segments().assign(scenario=r.scenario.name) for r in self.runs], ignore_index=True
        )

    def causes(self) -> pd.DataFrame:
        """Every scenario's cause table, one after the other, with a ``scenario`` column."""
        return pd.concat(
            [r.causes().assign(scenario=r.scenario.name) for r in self.runs], ignore_index=True
        )

    def differences(self) -> pd.DataFrame:
        """Each scenario minus the reference, per flow, segment, channel and statistic.

        Paired by replication (common random numbers); with more than one scenario compared,
        each interval is widened by Bonferroni so that all hold jointly at ``confidence``.
        """
        diffs = compare_segments(self.reference.summaries, self._others(), self.confidence)
        return pd.DataFrame(
            [
                {
                    "scenario": d.scenario,
                    "direction": d.direction,
                    "mode": d.mode,
                    "segment": d.segment,
                    "channel": d.channel,
                    "statistic": d.statistic,
                    **_estimate_columns("difference", d.estimate),
                    "paired": d.paired,
                    "significant": d.significant,
                }
                for d in diffs
            ]
        )

    def resource_differences(self) -> pd.DataFrame:
        """Each scenario minus the reference in every shared resource's utilisation and wait."""
        names = sorted({res.resource for s in self.reference.summaries for res in s.resources})
        diffs = compare_resources(self.reference.summaries, self._others(), names, self.confidence)
        return pd.DataFrame(
            [
                {
                    "scenario": d.scenario,
                    "resource": d.resource,
                    "statistic": d.statistic,
                    **_estimate_columns("difference", d.estimate),
                    "paired": d.paired,
                    "significant": d.significant,
                }
                for d in diffs
            ]
        )


def run(
    scenario: ScenarioSource,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Replications:
    """Run a scenario's replications (its own ``replications`` and ``seed`` unless given).

    ``workers`` processes run them side by side (default: one per core, at most one per
    replication); the results do not depend on it. ``confidence`` is that of every interval.
    """
    resolved = load_scenario(scenario)
    count = resolved.replications if replications is None else replications
    root_seed = resolved.seed if seed is None else seed
    if count < 1:
        raise ValueError("replications must be at least 1")
    summaries = run_replications(resolved, range(count), root_seed, default_workers(count, workers))
    return Replications(resolved, root_seed, tuple(summaries), confidence)


def compare(
    scenarios: Sequence[ScenarioSource],
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
) -> Comparison:
    """Run every scenario on the same seed and replications; compare each with the first.

    The seed and replication count default to the first scenario's; ``confidence`` is the
    family confidence of all differences together (Bonferroni).
    """
    if len(scenarios) < 2:
        raise ValueError("a comparison needs a reference and at least one other scenario")
    resolved = [load_scenario(s) for s in scenarios]
    names = [s.name for s in resolved]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must differ to be compared: {names}")
    count = resolved[0].replications if replications is None else replications
    root_seed = resolved[0].seed if seed is None else seed
    runs = tuple(run(s, count, root_seed, workers, confidence) for s in resolved)
    return Comparison(runs, confidence)


def levers(
    scenario: ScenarioSource,
    replications: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    confidence: float = DEFAULT_CONFIDENCE,
    practical_h: float = DEFAULT_PRACTICAL_H,
) -> pd.DataFrame:
    """The scenario's levers, ranked per flow by their paired effect on arrival->release.

    A lever is a server more of a resource, or 24-hour staffing of a resource or shared calendar
    (:mod:`clearsim.scenarios.levers`), on the scenario's seeds (common random numbers). One row
    per lever and flow: ``rank`` (1 = largest saving of the mean), the differences of the mean
    and p90 arrival->release (hours, Bonferroni intervals across levers jointly at
    ``confidence``), ``practical``: the mean's interval excludes 0 and is >= ``practical_h``.
    """
    if not practical_h >= 0:
        raise ValueError(f"practical_h must be >= 0 hours (got {practical_h})")
    base = run(scenario, replications, seed, workers, confidence)
    count, root_seed = len(base.summaries), base.seed
    variants = lever_variants(base.scenario)
    runs = {
        v.name: run(v.scenario, count, root_seed, workers, confidence).summaries for v in variants
    }
    effects = lever_effects(base.summaries, runs, practical_h, confidence)
    changes = {v.name: (v.change, v.target) for v in variants}
    return pd.DataFrame(
        [
            {
                "rank": e.rank,
                "lever": e.lever,
                "change": changes[e.lever][0],
                "target": changes[e.lever][1],
                "direction": e.direction,
                "mode": e.mode,
                **_estimate_columns("mean_h", e.mean_h),
                **_estimate_columns("p90_h", e.p90_h),
                "practical": e.practical,
            }
            for e in effects
        ]
    )
