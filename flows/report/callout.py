"""The report's call-out: the top lever, then the reference's busiest resource in words.

Utilisation is not a lever: the busiest resource is named as such, never as the bottleneck;
what moves clearance time is ranked by ``--levers`` (:mod:`clearsim.flows.report.levers`).
"""

from __future__ import annotations

import math

from clearsim.analysis.comparison import difference_mark
from clearsim.flows.report.levers import lever_sentences
from clearsim.flows.report.render import format_estimate
from clearsim.flows.report.study_report import StudyResults


def bottleneck_sentences(results: StudyResults) -> str:
    """The call-out, then the reference's busiest resource and what each scenario does to it.

    The call-out names the top lever, or says that none is above the threshold, or (a study
    without levers) that utilisation is not a lever.
    """
    if not results.bottlenecks:
        return lever_sentences(results.levers)
    name = results.bottlenecks[0]
    sentences = []
    for i, report in enumerate(results.reports):
        res = next((r for r in report.resources if r.resource == name), None)
        if res is None:
            continue
        text = (
            f"{format_estimate(res.utilisation, 1, percent=True)} utilised, mean wait "
            f"{format_estimate(res.mean_wait_min, 1)} min"
        )
        if i == 0:
            sentences.append(f"The busiest resource of {report.scenario_name} is {name}: {text}.")
            continue
        diff = next(
            (
                d
                for d in results.resource_differences
                if (d.scenario, d.resource, d.statistic)
                == (report.scenario_name, name, "utilisation")
            ),
            None,
        )
        change = ""
        if diff is not None:
            change = f" (Δ {format_estimate(diff.estimate, 1, percent=True)}"
            change += {" *": ", material)", " °": ", detectable, below 0.5 points)"}.get(
                difference_mark(diff.estimate, diff.statistic), ", not significant)"
            )
        busiest = max(
            (r for r in report.resources if math.isfinite(r.utilisation.mean)),
            key=lambda r: r.utilisation.mean,
            default=None,
        )
        own = (
            f"; its own busiest resource is {busiest.resource} "
            f"({format_estimate(busiest.utilisation, 1, percent=True)})"
            if busiest is not None and busiest.resource != name
            else ""
        )
        sentences.append(f"Under {report.scenario_name}: {text}{change}{own}.")
    return " ".join([lever_sentences(results.levers), *sentences])
