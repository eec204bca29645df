"""The report's resources section: every resource's utilisation, occupancy peak and blocking.

For a capacity held for long (import yard slots, bonded warehouse positions, trucks) the
utilisation is the mean occupancy over the capacity, the peak the most held at once, and the
waits are blocking: the share of visits that waited (boxes whose discharge a full yard
blocked, entries into a full warehouse) and their mean wait.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearsim.analysis.aggregate import ScenarioReport
from clearsim.flows.report.render import format_estimate
from clearsim.flows.report.svg import esc

HEADERS = (
    "servers",
    "utilisation (mean occupancy)",
    "peak held",
    "waited (blocked) share",
    "mean wait min",
    "max queue",
)


def resources_section(reports: Sequence[ScenarioReport]) -> str:
    """A table of every scenario's resources (means ± CI half-widths over replications)."""
    level = f"{reports[0].confidence:.0%}" if reports else ""
    rows = []
    for report in reports:
        for res in report.resources:
            cells = (
                str(res.capacity),
                format_estimate(res.utilisation, 1, percent=True),
                format_estimate(res.peak_in_use, 0),
                format_estimate(res.wait_probability, 1, percent=True),
                format_estimate(res.mean_wait_min, 1),
                format_estimate(res.max_queue_length, 0),
            )
            rows.append(
                f'<tr><td class="l">{esc(report.scenario_name)}</td>'
                f'<td class="l">{esc(res.resource)}</td>'
                + "".join(f"<td>{esc(cell)}</td>" for cell in cells)
                + "</tr>"
            )
    if not rows:
        rows.append('<tr><td class="l" colspan="8">No resource.</td></tr>')
    head = "".join(f"<th>{esc(h)}</th>" for h in HEADERS)
    return (
        f'<p class="note">Over the measurement window, mean ± {level} CI half-width over '
        "replications. For a capacity held for long (yard slots, bonded positions, trucks) the "
        "utilisation is its mean occupancy, the peak the most held at once, and the waits its "
        "blocking (a full yard holds the quay crane; a full warehouse holds the entry).</p>"
        '<table><thead><tr><th class="l">scenario</th><th class="l">resource</th>'
        f"{head}</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
