"""The garbage collector's settings of every process that reads pages (crawler, worker,
reader processes)."""

from __future__ import annotations

import gc

# Objects allocated between two young-generation collections. Every parsed page makes tens of
# thousands of short-lived objects that reference counting frees; at Python's default (700) the
# collector ran several times per page and each older pass walked the whole heap again.
GC_YOUNG_THRESHOLD = 50_000


def quiet_collector() -> None:
    """Move what start-up allocated (modules, settings, the registry) out of the collector's
    sight, and collect young objects less often. Cycles are still collected, just in fewer passes."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, older, oldest)
