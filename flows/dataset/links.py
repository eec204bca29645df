"""Which conveyance (vessel call or train) carries each container case.

The engine creates a carrier's case and then, at once, the cases of the boxes it carries (a sea
import or export call and its containers, a train and its containers): a container's carrier is
the last carrier case its process created before it. An export box not loaded when its call's
loading window closes rolls over to the process's next call (one ``rolled_over`` milestone per
roll, none past the last call of the run), so its carrier is that many calls later. The case
table names no carrier; these rules read it from the case ids and the log. Processes that record
their own ``carried_by`` links (the exports' scheduled departures) are read from those.
"""

from __future__ import annotations

import numpy as np

from clearsim.flows.dataset.digest import LogDigest

CARRIED = ("container",)
"""Object types linked to a conveyance."""
CARRIERS = ("vessel", "train")
"""Object types of the conveyances a :data:`CARRIED` case travels on."""
ROLL_OVER = "rolled_over"
CARRIED_BY = "carried_by"


def carrier_cases(
    digest: LogDigest, process: np.ndarray, object_type: np.ndarray, shipment: np.ndarray
) -> np.ndarray:
    """Case id of the conveyance of every carried case; -1 for every other case.

    Carried: a :data:`CARRIED` case, or one the engine linked ``carried_by`` a conveyance.
    """
    carrier = np.full(digest.n_cases, -1, dtype=np.int64)
    carried = np.isin(object_type, CARRIED) & shipment
    is_carrier = np.isin(object_type, CARRIERS) & ~shipment
    code = digest.code(ROLL_OVER)
    rolls = (
        np.bincount(digest.case[digest.activity == code], minlength=digest.n_cases)
        if code >= 0
        else np.zeros(digest.n_cases, dtype=np.int64)
    )
    for name in sorted(set(process[carried].tolist())):
        in_process = process == name
        carriers = np.flatnonzero(in_process & is_carrier)
        boxes = np.flatnonzero(in_process & carried)
        index = np.searchsorted(carriers, boxes) - 1  # the last carrier created before the box
        known = index >= 0
        index = np.minimum(index + rolls[boxes], len(carriers) - 1)
        carrier[boxes[known]] = carriers[index[known]]
    # The engine's own links: goods and boxes handed to a scheduled departure (the exports).
    for source, target, qualifier in digest.links:
        if qualifier == CARRIED_BY and carrier[source] < 0:
            carrier[source] = target
    return carrier
