"""Hand the C allocator's free pages back to the operating system between phases of a run.

A replication allocates its log chunks (a few hundred kB each) and many interpreter objects from
the C heap; once they are freed, glibc keeps the pages for reuse unless told otherwise, so the
resident size stays at the run's high-water mark and every later copy (merging group logs,
building a dataset) comes on top of it. ``malloc_trim`` releases the whole free pages. Elsewhere
than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (AttributeError, OSError):
        return None
    return trim


def release_free_memory() -> None:
    """Return the C heap's free pages to the operating system (glibc; elsewhere a no-op)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
