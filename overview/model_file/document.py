"""What the export, the check and the load of a model file share: the format's name,
its JSON Schema, the limits, and how a place in a document is named."""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

from overview import maturity

FORMAT = "revops-model/1"
SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "model-format.schema.json"
MAX_FILE_BYTES = 50 * 1024 * 1024
TOO_LARGE = f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB."
# A file larger than this is imported by a worker (202 and a status resource), not within
# the request: about a second of import per megabyte, and gunicorn's timeout is for
# requests, not for imports. Smaller files keep the synchronous 201.
BACKGROUND_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ERRORS = 50
BATCH = 2000
# What an assessment carries as it is: the four scores and what each rests on.
ASSESSMENT_VALUES = (*maturity.PILLARS, *(f"{p}_evidence" for p in maturity.PILLARS))


@cache
def schema():
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def json_path(parts):
    """``("runbooks", 0, "sections", 2)`` → ``runbooks[0].sections[2]``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "$"
