"""Every state change of the cadence: rituals, the occurrences they materialize,
recording, missed marking, reminders and calendar feed tokens.

Each service takes ``actor`` and ``door``, runs in one transaction, validates before it
writes (``ValidationError`` keyed by field, nothing written) and writes the audit entry;
webhooks and e-mails go out after commit.

Callers import the package (``from cadence import services``); the writes live by
subject:

- ``rituals``: a ritual created, changed, handed to a person, deleted, archived, moved
  onto a new fiscal year's quarters; the schedule rules the console form shares;
- ``materialization``: the next 12 months of occurrences;
- ``occurrences``: an occurrence recorded (held or skipped), missed ones marked;
- ``outcomes``: a held occurrence's outcome (attendance, decisions, action items,
  rating), action items done or dropped;
- ``recaps``: the recap of a held occurrence (e-mails and a channel event, once);
- ``revisits``: decisions' revisit days raising a review of what they changed;
- ``reminders``: the e-mail before each occurrence (text in
  ``templates/cadence/email/``);
- ``feed_tokens``: calendar feed tokens;
- ``payloads``: what the webhooks say (shared).
"""

from cadence.services.feed_tokens import (
    feed_token_create,
    feed_token_revoke,
    feed_token_user,
    feed_tokens_revoke,
)
from cadence.services.materialization import materialize, materialize_all, materialize_many
from cadence.services.occurrences import (
    RECORDABLE,
    default_reviewed_sections,
    mark_missed,
    occurrence_record,
)
from cadence.services.outcomes import (
    LINK_MODELS,
    action_complete,
    action_drop,
    actions_give_owner,
)
from cadence.services.reminders import send_reminders
from cadence.services.revisits import raise_due_revisits
from cadence.services.rituals import (
    MAX_GRACE,
    MAX_REMINDER_LEAD,
    RITUAL_FIELDS,
    RULE_FIELDS,
    SCHEDULE_FIELDS,
    ritual_archive,
    ritual_create,
    ritual_delete,
    ritual_rule_errors,
    ritual_update,
    rituals_follow_fiscal_year,
    rituals_give_owner_person,
)

__all__ = [
    "LINK_MODELS",
    "MAX_GRACE",
    "MAX_REMINDER_LEAD",
    "RECORDABLE",
    "RITUAL_FIELDS",
    "RULE_FIELDS",
    "SCHEDULE_FIELDS",
    "action_complete",
    "action_drop",
    "actions_give_owner",
    "default_reviewed_sections",
    "feed_token_create",
    "feed_token_revoke",
    "feed_token_user",
    "feed_tokens_revoke",
    "mark_missed",
    "materialize",
    "materialize_all",
    "materialize_many",
    "occurrence_record",
    "raise_due_revisits",
    "ritual_archive",
    "ritual_create",
    "ritual_delete",
    "ritual_rule_errors",
    "ritual_update",
    "rituals_follow_fiscal_year",
    "rituals_give_owner_person",
    "send_reminders",
]
