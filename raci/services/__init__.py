"""Every write to the RACI. The UI, the API, the console, the demo and the tests call these.

Each one locks the matrix (then the row) so writers to one matrix queue up instead of
deadlocking, checks the one-Accountable rule with a message naming the row and the
functions, writes, records the audit entry and announces it. A change to what the heads
signed (``rules.SIGNED_FIELDS``: rows added or removed, renamed, moved to another layer,
letters changed) moves the matrix version on, so every sign-off must be given again, and
emits ``raci.changed``; a cosmetic edit (a description, the rows' order) keeps the
version and the sign-offs and emits ``raci.edited``; a sign-off emits ``raci.signed_off``.
The database holds the one-A rule on its own as well (see ``raci.models``); these checks
are there to say it clearly.

Callers import the package (``from raci import services``); the writes live by subject:

- ``matrices``: a matrix created, renamed or made current, archived;
- ``rows``: rows added, changed, removed, reordered, moved;
- ``cells``: one function's letter set, the A reassigned;
- ``signoffs``: a head's sign-off;
- ``csv_import``: a CSV file made the matrix, with its preview;
- ``versions``: the matrix lock and version every write shares.
"""

from raci.services.cells import PREVIOUS_BECOMES, cell_set, row_reassign
from raci.services.csv_import import (
    MAX_IMPORT_BYTES,
    ImportPlan,
    import_plan,
    matrix_import,
    read_upload,
)
from raci.services.matrices import matrix_archive, matrix_create, matrix_update
from raci.services.rows import (
    ROW_FIELDS,
    row_create,
    row_delete,
    row_move,
    row_update,
    rows_reorder,
)
from raci.services.signoffs import signoff_create
from raci.services.versions import VersionMoved

__all__ = [
    "MAX_IMPORT_BYTES",
    "PREVIOUS_BECOMES",
    "ROW_FIELDS",
    "ImportPlan",
    "VersionMoved",
    "cell_set",
    "import_plan",
    "matrix_archive",
    "matrix_create",
    "matrix_import",
    "matrix_update",
    "read_upload",
    "row_create",
    "row_delete",
    "row_move",
    "row_reassign",
    "row_update",
    "rows_reorder",
    "signoff_create",
]
