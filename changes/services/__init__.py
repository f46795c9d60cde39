"""Every write of change control. Pages, the API, the console and the daily task call
these; each asks the policy, writes in one transaction, audits and announces.

- ``proposals``: opened (by hand, as a revert, or from a ritual's decision), brought up
  to date, commented on, approved, rejected, withdrawn, applied (now or when due);
- ``acknowledgements``: "I read this version" by the layer's R, A and C.
"""

from changes.services.acknowledgements import acknowledge
from changes.services.proposals import (
    OutOfDate,
    apply_due_proposals,
    proposal_approve,
    proposal_comment,
    proposal_from_decision,
    proposal_open,
    proposal_reject,
    proposal_revert,
    proposal_update,
    proposal_withdraw,
)

__all__ = [
    "OutOfDate",
    "acknowledge",
    "apply_due_proposals",
    "proposal_approve",
    "proposal_comment",
    "proposal_from_decision",
    "proposal_open",
    "proposal_reject",
    "proposal_revert",
    "proposal_update",
    "proposal_withdraw",
]
