"""Every write to the run book. Views, the API, the console, tasks and commands (and
the cadence app, when a ritual is held) call these; each checks its input, writes in
one transaction, records the audit entry and queues its webhook and e-mail on commit.

Callers import the package (``from runbook import services``); the writes live by
subject:

- ``runbooks``: a run book made with its six sections, renamed, archived;
- ``sections``: a section renamed, handed over, revised;
- ``reviews``: a section reviewed; readers' concerns raised and answered;
- ``releases``: a release cut;
- ``staleness``: the daily scan's stale flags and freshness snapshot;
- ``escalation``: stale flags escalated to the Accountable function;
- ``definitions``: shared definitions written, revised, reviewed, agreed to;
- ``payloads`` and ``links``: what webhooks say and what e-mails link to (shared).

E-mail text lives in ``templates/runbook/email/``.
"""

from runbook.documents import RevisionConflict
from runbook.services.definitions import (
    definition_agree,
    definition_create,
    definition_review,
    definition_revise,
    definition_update,
)
from runbook.services.escalation import (
    Escalation,
    escalate_stale_definitions,
    escalate_stale_sections,
)
from runbook.services.releases import release_create
from runbook.services.reviews import concern_raise, section_review, validate_reason
from runbook.services.runbooks import runbook_archive, runbook_create, runbook_update
from runbook.services.sections import section_revise, section_update, validate_section_update
from runbook.services.staleness import (
    FlagResult,
    NewFlag,
    flag_stale_sections,
    freshness_snapshot_record,
)

__all__ = [
    "Escalation",
    "FlagResult",
    "NewFlag",
    "RevisionConflict",
    "concern_raise",
    "definition_agree",
    "definition_create",
    "definition_review",
    "definition_revise",
    "definition_update",
    "escalate_stale_definitions",
    "escalate_stale_sections",
    "flag_stale_sections",
    "freshness_snapshot_record",
    "release_create",
    "runbook_archive",
    "runbook_create",
    "runbook_update",
    "section_review",
    "section_revise",
    "section_update",
    "validate_reason",
    "validate_section_update",
]
