"""The ``events`` table: every row of the event log, in recording (time) order."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from clearsim.flows.dataset.clock import epoch_ms
from clearsim.flows.dataset.context import BuildContext
from clearsim.flows.dataset.facts import timestamps
from clearsim.models.vocabulary import LIFECYCLE_NAMES

EVENT_CHUNK = 500_000


def names(values: tuple[str, ...]) -> pa.Array:
    """A string array of a registry, indexed by code."""
    return pa.array(list(values), type=pa.string())


def event_chunks(ctx: BuildContext) -> Iterator[dict[str, object]]:
    """The ``events`` table in chunks of rows."""
    digest, facts = ctx.digest, ctx.facts
    activities, lifecycles = names(digest.activities), names(LIFECYCLE_NAMES)
    sites, resources = names(digest.nodes), names(digest.resources)
    for start in range(0, digest.n_events, EVENT_CHUNK):
        sl = slice(start, start + EVENT_CHUNK)
        resource = digest.resource[sl].astype(np.int64)
        n = len(resource)
        yield {
            "event_id": np.arange(start, start + n, dtype=np.int64),
            "case_id": facts.names.take(pa.array(digest.case[sl])),
            "activity": activities.take(pa.array(digest.activity[sl])),
            "lifecycle": lifecycles.take(pa.array(digest.lifecycle[sl])),
            "timestamp": timestamps(
                epoch_ms(facts.start_ms, digest.time_min[sl]), np.ones(n, dtype=bool)
            ),
            "site": sites.take(pa.array(digest.node[sl])),
            "resource": resources.take(pa.array(np.maximum(resource, 0), mask=resource < 0)),
            "instance_id": digest.instance[sl],
        }
