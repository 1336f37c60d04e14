"""Keep the long-lived heap out of the garbage collector's full passes.

Why: a full (generation 2) collection walks every tracked object. A server process holds ~200,000
that live as long as it does (Django, the validated game content, the catalog), and each full pass
over them took 85–120 ms on this machine, a pause in which no socket of the process is answered
(it was the whole of `ping`'s p99 beside time skips; docs/performance.md). `settle()` collects once
and then freezes what is alive into the permanent generation (`gc.freeze`), so later passes walk
only what was made since. Called when a server starts, after the content is loaded, and again when
an operator's edit replaced the content (unfreezing first, so the old content can be freed).
"""

import gc
import logging
import time

log = logging.getLogger(__name__)

_settled = False
# Full passes still walk what was made since start-up (the sockets' objects: 30–50 ms with 300 of them).
# Python runs one after every 10 middle-generation passes; one after 100 keeps a socket's p99 clear of
# them, at the cost of cyclic garbage living a little longer.
FULL_PASS_EVERY = 100


def settle() -> None:
    """Collect, then freeze what is alive (a server's long-lived heap)."""
    global _settled
    began = time.perf_counter()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_PASS_EVERY)
    _settled = True
    log.info("heap settled: %d objects frozen in %.0f ms", gc.get_freeze_count(), (time.perf_counter() - began) * 1e3)


def resettle() -> None:
    """After long-lived data was replaced: settle again, if this process settles at all (servers)."""
    if _settled:
        settle()
