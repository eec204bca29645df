"""XES exports (IEEE 1849-2016) of the event log, written as streams, one trace per case.

Two views, written in one pass over the log: the **full log** (every row: ``schedule``, ``start``
and ``complete`` of each activity, every case) and the **flat logs** for process mining, one per
case object type, holding only the ``complete`` rows, one event per finished activity
execution. Written with the standard library only (pm4py, AGPL-3.0, is never imported by
clearsim; the tests read the files back with ``pm4py.read_xes``), plain or as a gzip stream with
no time or path in its header, so the same log gives the same bytes. Events are grouped by case,
each case's in recording order; timestamps are UTC with milliseconds.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.sax.saxutils import quoteattr

import numpy as np

from clearsim.flows.dataset.clock import epoch_ms, iso_utc
from clearsim.flows.dataset.context import BuildContext
from clearsim.models.vocabulary import LIFECYCLE_NAMES, Lifecycle

ROWS_PER_WRITE = 50_000
CASES_PER_BLOCK = 100_000
GZIP_LEVEL = 6
"""zlib level of ``.xes.gz`` files (gzip's own default: near level 9's size, far faster)."""
FULL_LOG = "event_log"
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


def xes_name(object_type: str | None, gz: bool) -> str:
    """File name of the full log (``object_type`` None) or of one object type's flat log."""
    stem = FULL_LOG if object_type is None else f"{FULL_LOG}.{object_type}"
    return f"{stem}.xes.gz" if gz else f"{stem}.xes"


def open_text(path: Path, gz: bool) -> IO[str]:
    """A UTF-8 text stream writing ``path``: plain, or gzip with mtime 0 and no directory."""
    if not gz:
        return path.open("w", encoding="utf-8", newline="\n")
    # GzipFile stores the base name without ".gz" ("event_log.xes"), never the directory.
    stream = gzip.GzipFile(filename=path, mode="wb", compresslevel=GZIP_LEVEL, mtime=0)
    return io.TextIOWrapper(stream, encoding="utf-8", newline="\n")


@dataclass
class XesFile:
    """One XES file being written: its stream, pending text and counts."""

    name: str
    out: IO[str]
    parts: list[str] = field(default_factory=list)
    traces: int = 0
    events: int = 0

    def flush(self) -> None:
        """Write the pending text."""
        self.out.write("".join(self.parts))
        self.parts.clear()


@dataclass(frozen=True)
class XesWritten:
    """Rows of the full log, and ``{file name: (traces, events)}`` of every flat log."""

    events: int
    flat: dict[str, tuple[int, int]]


def _attr(key: str, value: str) -> str:
    return f'<string key="{key}" value={quoteattr(value)}/>\n'


def write_xes(
    ctx: BuildContext,
    directory: Path,
    log_name: str,
    on_rows: Callable[[int], None],
    *,
    gz: bool = False,
) -> XesWritten:
    """Write the full log and the flat logs of ``ctx`` into ``directory``."""
    digest, facts = ctx.digest, ctx.facts
    activity = [_attr("concept:name", a) for a in digest.activities]
    lifecycle = [_attr("lifecycle:transition", name) for name in LIFECYCLE_NAMES]
    resource = [_attr("org:resource", r) for r in digest.resources]
    site = [_attr("site", n) for n in digest.nodes]
    columns = [getattr(facts, name) for name in TRACE_ATTRIBUTES]
    types, type_code = np.unique(facts.object_type.astype(str), return_inverse=True)
    # A flat log per object type with events (a B2B order, say, has none of its own).
    logged = np.zeros(len(types), dtype=bool)
    logged[np.unique(type_code[np.unique(digest.case)])] = True
    flat_of = np.cumsum(logged) - 1
    type_code = flat_of[type_code]
    types = types[logged]
    files: list[XesFile] = []
    try:
        for object_type in [None, *types.tolist()]:
            name = xes_name(object_type, gz)
            files.append(XesFile(name, open_text(directory / name, gz)))
            files[-1].out.write(HEADER.format(name=quoteattr(log_name)))
        full, flats = files[0], files[1:]
        parts, complete = full.parts, int(Lifecycle.COMPLETE)
        current, head, flat, flat_open = -1, "", flats[0] if flats else full, False
        for first, block in digest.case_blocks(CASES_PER_BLOCK):
            case_names = facts.names.slice(first, CASES_PER_BLOCK).to_pylist()
            type_of = type_code[first : first + CASES_PER_BLOCK].tolist()
            for start in range(0, len(block), ROWS_PER_WRITE):
                rows = block[start : start + ROWS_PER_WRITE]
                times = iso_utc(epoch_ms(facts.start_ms, digest.time_min[rows])).tolist()
                case_of = digest.case[rows].tolist()
                activity_of = digest.activity[rows].tolist()
                lifecycle_of = digest.lifecycle[rows].tolist()
                node_of = digest.node[rows].tolist()
                resource_of = digest.resource[rows].tolist()
                instance_of = digest.instance[rows].tolist()
                for k, time in enumerate(times):
                    case = case_of[k]
                    if case != current:
                        if current >= 0:
                            parts.append("</trace>\n")
                            if flat_open:
                                flat.parts.append("</trace>\n")
                        current, flat, flat_open = case, flats[type_of[case - first]], False
                        head = "<trace>\n" + _attr("concept:name", case_names[case - first])
                        head += "".join(
                            _attr(key, str(column[case]))
                            for key, column in zip(TRACE_ATTRIBUTES, columns, strict=True)
                        )
                        parts.append(head)
                        full.traces += 1
                    code = resource_of[k]
                    event = (
                        f"<event>\n{activity[activity_of[k]]}{lifecycle[lifecycle_of[k]]}"
                        f'<date key="time:timestamp" value="{time}"/>\n'
                        f"{resource[code] if code >= 0 else ''}{site[node_of[k]]}"
                        f'<int key="instance" value="{instance_of[k]}"/>\n</event>\n'
                    )
                    parts.append(event)
                    if lifecycle_of[k] == complete:
                        if not flat_open:
                            flat.parts.append(head)
                            flat.traces += 1
                            flat_open = True
                        flat.parts.append(event)
                        flat.events += 1
                for item in files:
                    item.flush()
                on_rows(len(rows))
                full.events += len(rows)
        if current >= 0:
            full.out.write("</trace>\n")
            if flat_open:
                flat.out.write("</trace>\n")
        for item in files:
            item.out.write("</log>\n")
    finally:
        for item in files:
            item.out.close()
    return XesWritten(full.events, {f.name: (f.traces, f.events) for f in flats})
