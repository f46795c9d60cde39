"""What webhooks and channel messages say about a proposal (one shape for every event)."""


def _name(user):
    return user.get_username() if user is not None else None


def proposal_payload(proposal):
    return {
        "id": proposal.pk,
        "kind": proposal.kind,
        "item_id": proposal.item_id,
        "item_label": proposal.item_label,
        "layer": proposal.layer,
        "state": proposal.state,
        "reason": proposal.reason,
        "effective_on": proposal.effective_on,
        "base_version": proposal.base_version,
        "applied_version": proposal.applied_version or None,
        "proposer": _name(proposal.proposer),
        "decided_by": _name(proposal.decided_by),
        "decision_note": proposal.decision_note,
    }
