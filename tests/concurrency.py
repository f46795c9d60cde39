"""Running calls at the same moment on separate database connections (PostgreSQL tests)."""

import threading

from django.db import connections


def run_concurrently(*calls, timeout=60):
    """Start every call at once, each on its own thread and connection; return each
    call's result or the exception it raised, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what we assert on
            outcomes[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return outcomes
