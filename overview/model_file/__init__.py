"""The model as one file: export and import of ``revops-model/1`` documents.

The document holds everything that makes the model (functions and their heads, run
books with every revision, review, stale flag and release, the RACI matrices with
their sign-offs, the rituals with every occurrence and its outcome — attendance,
rating, decisions, action items —, the quarterly maturity assessments, change control:
which items are governed, every proposal with its comments, the acknowledgements) and nothing
that names a database id: things refer to each other by slug, username, title, kind or
position, so a file from one installation reads the same on another.
The scorecard travels too: metrics with their targets, every value with the values it
replaced, and the off-track items, written as they were and announcing nothing.
The format is described in ``docs/model-format.md`` and its JSON Schema in
``docs/model-format.schema.json``.

Import is all-or-nothing. The document is checked whole before anything is written —
the schema first, then the rules the schema cannot say (references that must resolve,
one Accountable per RACI row, revision numbers without gaps, schedules that agree with
their horizon) — and every error names its JSON path. Then one transaction bulk-writes
the history as it was (times, authors, doors), and one audit entry records the import.

A file larger than ``BACKGROUND_IMPORT_BYTES`` is kept in a ``ModelImport`` row and
imported by a worker (``job``), with the same load and the same errors.

The package by subject: ``document`` (the format, its schema and limits, JSON paths),
``export``, ``check``, ``load`` and ``job``. Callers use the names below.
"""

from overview.model_file.check import check_document, read_document
from overview.model_file.document import (
    BACKGROUND_IMPORT_BYTES,
    FORMAT,
    MAX_ERRORS,
    MAX_FILE_BYTES,
    SCHEMA_PATH,
    TOO_LARGE,
    json_path,
    schema,
)
from overview.model_file.export import export_chunks, export_model
from overview.model_file.job import run_import
from overview.model_file.load import import_model

__all__ = ["BACKGROUND_IMPORT_BYTES", "FORMAT", "MAX_ERRORS", "MAX_FILE_BYTES", "SCHEMA_PATH",
           "TOO_LARGE", "check_document", "export_chunks", "export_model", "import_model",
           "json_path", "read_document", "run_import", "schema"]
