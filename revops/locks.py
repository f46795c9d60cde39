"""Transaction-level advisory locks: writes that must be judged one after the other take
the same key, so each sees what the previous holder committed.

PostgreSQL only (``pg_advisory_xact_lock``, released at commit or rollback); SQLite
serializes writers anyway. A write takes its advisory locks first, before any row lock,
in one order (the model's, then lead rights'), so that two writes cannot each hold what
the other waits for."""

from django.db import connection

# Every write that makes or replaces the whole model (bootstrap, model import).
MODEL = 0x30DE_1000
# Every write that may remove lead rights (``revops.seats``).
LEAD_RIGHTS = 0x5EA7_1EAD


def hold(key):
    """Wait for ``key``'s lock and hold it until the calling transaction ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
