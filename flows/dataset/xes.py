"""XES export (IEEE 1849-2016) of the event log, written as a stream, one trace per case.

Written with the standard library only (pm4py, AGPL-3.0, is never imported by clearsim; the
tests read the file back with ``pm4py.read_xes``). Events are grouped by case, each case's in
recording order; timestamps are UTC with milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import quoteattr

from clearsim.flows.dataset.clock import epoch_ms, iso_utc
from clearsim.flows.dataset.context import BuildContext
from clearsim.models.vocabulary import LIFECYCLE_NAMES

ROWS_PER_WRITE = 50_000
CASES_PER_BLOCK = 100_000
HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="" xmlns="http://www.xes-standard.org/">
<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
<global scope="trace">
<string key="concept:name" value="UNKNOWN"/>
</global>
<global scope="event">
<string key="concept:name" value="UNKNOWN"/>
<string key="lifecycle:transition" value="complete"/>
<date key="time:timestamp" value="1970-01-01T00:00:00.000Z"/>
</global>
<classifier name="Activity" keys="concept:name"/>
<classifier name="Activity and lifecycle" keys="concept:name lifecycle:transition"/>
<string key="concept:name" value={name}/>
"""
TRACE_ATTRIBUTES = ("process", "object_type", "direction", "mode")


def _attr(key: str, value: str) -> str:
    return f'<string key="{key}" value={quoteattr(value)}/>\n'


def write_xes(ctx: BuildContext, path: Path, log_name: str, on_rows: Callable[[int], None]) -> int:
    """Write the log of ``ctx`` to ``path``; returns the number of events written."""
    digest, facts = ctx.digest, ctx.facts
    activity = [_attr("concept:name", a) for a in digest.activities]
    lifecycle = [_attr("lifecycle:transition", name) for name in LIFECYCLE_NAMES]
    resource = [_attr("org:resource", r) for r in digest.resources]
    site = [_attr("site", n) for n in digest.nodes]
    columns = [getattr(facts, name) for name in TRACE_ATTRIBUTES]
    current, written = -1, 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER.format(name=quoteattr(log_name)))
        for first, block in digest.case_blocks(CASES_PER_BLOCK):
            case_names = facts.names.slice(first, CASES_PER_BLOCK).to_pylist()
            for start in range(0, len(block), ROWS_PER_WRITE):
                rows = block[start : start + ROWS_PER_WRITE]
                times = iso_utc(epoch_ms(facts.start_ms, digest.time_min[rows])).tolist()
                case_of = digest.case[rows].tolist()
                activity_of = digest.activity[rows].tolist()
                lifecycle_of = digest.lifecycle[rows].tolist()
                node_of = digest.node[rows].tolist()
                resource_of = digest.resource[rows].tolist()
                instance_of = digest.instance[rows].tolist()
                parts: list[str] = []
                for k, time in enumerate(times):
                    case = case_of[k]
                    if case != current:
                        if current >= 0:
                            parts.append("</trace>\n")
                        current = case
                        parts.append("<trace>\n" + _attr("concept:name", case_names[case - first]))
                        parts.extend(
                            _attr(key, str(column[case]))
                            for key, column in zip(TRACE_ATTRIBUTES, columns, strict=True)
                        )
                    code = resource_of[k]
                    parts.append(
                        f"<event>\n{activity[activity_of[k]]}{lifecycle[lifecycle_of[k]]}"
                        f'<date key="time:timestamp" value="{time}"/>\n'
                        f"{resource[code] if code >= 0 else ''}{site[node_of[k]]}"
                        f'<int key="instance" value="{instance_of[k]}"/>\n</event>\n'
                    )
                out.write("".join(parts))
                on_rows(len(rows))
                written += len(rows)
        if current >= 0:
            out.write("</trace>\n")
        out.write("</log>\n")
    return written
