"""Metric values from a CSV file: the columns ``metric``, ``period`` and ``value`` (by
header name, in any order, other columns ignored), one value a line. Pure: text in,
lines out; ``services.values_preview`` and ``values_record_many`` check them against
the metrics, all or nothing, naming each bad line. Line numbers count the header as
line 1, as a spreadsheet shows them."""

import csv
import io

from django.core.exceptions import ValidationError

from insights.services.values import MAX_LINES

MAX_BYTES = 2 * 1024 * 1024
COLUMNS = ("metric", "period", "value")
MAX_CELL = 60


def read(raw):
    """``[{"metric", "period", "value"}]`` from the uploaded bytes, or a ValidationError
    on ``file`` saying what to fix."""
    if len(raw) > MAX_BYTES:
        raise ValidationError({"file": f"Keep the file under {MAX_BYTES // (1024 * 1024)} MB."})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": "Save the file as CSV in UTF-8."}) from None
    if "\x00" in text:
        raise ValidationError({"file": "The file is not text: save it as CSV."})
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as problem:
        raise ValidationError({"file": f"The file is not readable CSV: {problem}."}) from None
    if not records:
        raise ValidationError({"file": "The file is empty."})
    header = [cell.strip().casefold() for cell in records[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError({"file": "The first line names the columns: "
                                       f"{', '.join(COLUMNS)} (missing {', '.join(missing)})."})
    body = [r for r in records[1:] if any(cell.strip() for cell in r)]
    if not body:
        raise ValidationError({"file": "The file has a header and no values."})
    if len(body) > MAX_LINES:
        raise ValidationError({"file": f"Import at most {MAX_LINES:,} values at once."})
    where = {c: header.index(c) for c in COLUMNS}
    return [{c: (record[i].strip()[:MAX_CELL] if i < len(record) else "")
             for c, i in where.items()} for record in body]
