"""Proposals: a change to a governed item, routed by the RACI of its layer, decided by
its approver and applied as one revision by its proposer."""

import logging
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from changes import items, routing, rules
from changes.models import Comment, Proposal, State
from changes.payloads import proposal_payload
from revops import audit, events, governance, policy
from revops.errors import Conflict, Refused
from revops.models import Door

logger = logging.getLogger(__name__)

MAX_REASON = 5000
SUMMARY_LENGTH = 200


class OutOfDate(Conflict):
    """The item moved on since the proposal was written: it must be brought up to date
    (rebased) before it can be approved or applied."""

    rule = "out_of_date"

    def __init__(self, proposal, current_version):
        self.proposal = proposal
        self.current_version = current_version
        super().__init__(
            f"“{proposal.item_label}” changed since this proposal was written (it was at "
            f"version {proposal.base_version}, it is at {current_version}). Bring the "
            f"proposal up to date first; nothing was changed.")

    def detail(self):
        return {"rule": self.rule, "base_version": self.proposal.base_version,
                "current_version": self.current_version}


def _item(proposal):
    kind = items.KINDS[proposal.kind]
    obj = kind.get(proposal.item_id)
    if obj is None:
        raise ValidationError({"item": f"“{proposal.item_label}” no longer exists."})
    return kind, obj


def _clean_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the change is needed."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    return reason


def _clean_fields(kind, fields, current):
    """The proposed fields: those given over the current ones, each of the right type."""
    fields = dict(fields or {})
    unknown = sorted(set(fields) - set(kind.fields))
    if unknown:
        raise ValidationError({"fields": f"A {kind.kind} proposal changes "
                                         f"{', '.join(kind.fields)}; not {', '.join(unknown)}."})
    merged = {**current, **fields}
    for name in kind.fields:
        wanted, words = (dict, "an object") if name == "letters" else (str, "text")
        if not isinstance(merged[name], wanted):
            raise ValidationError({f"fields.{name}": f"Give {name} as {words}."})
    kind.validate(merged)
    return merged


def _clean_effective_on(effective_on, today):
    if effective_on is None or effective_on == "":
        return None
    if not isinstance(effective_on, date):
        raise ValidationError({"effective_on": "Give the date as YYYY-MM-DD."})
    if effective_on < today:
        raise ValidationError({"effective_on": "The effective date cannot be in the past."})
    return effective_on


def _locked(proposal):
    return Proposal.objects.select_for_update(of=("self",)).select_related(
        "proposer", "decided_by").get(pk=proposal.pk)


def _announce(event, proposal):
    events.emit(event, proposal_payload(proposal))


def _tell(people, subject, body, proposal):
    """E-mail ``people`` about ``proposal``, with the link to its page."""
    site = settings.REVOPS_SITE_URL.rstrip("/")
    text = (f"{body}\n\nWhy: {proposal.reason}\n\n"
            f"{site}{reverse('changes:proposal', args=[proposal.pk])}\n")
    events.mail_many([([person.email], subject, text, "")
                      for person in people if person is not None and person.email])


@transaction.atomic
def proposal_open(*, item, fields, reason, actor, door, effective_on=None, reverts=None,
                  decision="", today=None):
    """Propose ``fields`` (those of the item's kind you change) for the governed ``item``.
    Whoever may edit the item may propose; the item's layer routes it. Refused (409
    ``no_self_approval``) when nobody but the proposer could approve it."""
    kind = items.kind_of(item)
    if kind is None:
        raise ValidationError({"item": "Only sections, definitions, RACI rows and rituals "
                                       "go through change control."})
    obj = kind.get(item.pk)
    kind.require_may_propose(actor, obj)
    if not kind.governed(obj):
        raise ValidationError({"item": f"“{kind.label(obj)}” is not governed: edit it "
                                       f"directly."})
    today = today or timezone.localdate()
    reason = _clean_reason(reason)
    current = kind.current(obj)
    proposal = Proposal(
        kind=kind.kind, item_id=obj.pk, item_label=kind.label(obj)[:200], layer=kind.layer(obj),
        base_version=kind.version(obj), base=current,
        fields=_clean_fields(kind, fields, current), reason=reason,
        effective_on=_clean_effective_on(effective_on, today), reverts=reverts,
        proposer=audit.user_or_none(actor), door=door, decision=(decision or "")[:200])
    if routing.routing_for(proposal.layer).approver(proposal.proposer) is None:
        raise routing.NoApprover(proposal.item_label)
    proposal.full_clean()
    proposal.save()
    audit.record(actor=actor, door=door, action="propose", obj=proposal, changes={
        "item": f"{proposal.kind} {proposal.item_id}", "base_version": proposal.base_version,
        "reason": reason, "effective_on": proposal.effective_on})
    _announce("proposal.opened", proposal)
    route = routing.routing_for(proposal.layer)
    label = proposal.item_label
    _tell([route.approver(proposal.proposer)], f"Decide a change to “{label}”",
          f"A change to “{label}” waits for your approval.", proposal)
    _tell(route.heads(route.consulted), f"Consulted: a change to “{label}”",
          f"Your function is Consulted on “{label}”: comment, or object, before it is decided.",
          proposal)
    return proposal


@transaction.atomic
def proposal_update(*, proposal, actor, door, fields=None, reason=None, effective_on=Ellipsis,
                    today=None):
    """The proposer rewrites their proposal on top of the item as it is now: this is how
    an out-of-date proposal is rebased and a draft completed. An approved proposal that
    has not applied yet goes back to its approver."""
    proposal = _locked(proposal)
    _require_proposer(actor, proposal)
    if proposal.state not in (State.OPEN, State.APPROVED):
        raise ValidationError({"state": f"This proposal is {proposal.get_state_display().lower()}; "
                                        f"open a new one."})
    kind, obj = _item(proposal)
    current = kind.current(obj)
    before = {"base_version": proposal.base_version, "state": proposal.state}
    proposal.base, proposal.base_version = current, kind.version(obj)
    proposal.fields = _clean_fields(kind, proposal.fields if fields is None else fields, current)
    if reason is not None:
        proposal.reason = _clean_reason(reason)
    if effective_on is not Ellipsis:
        proposal.effective_on = _clean_effective_on(effective_on, today or timezone.localdate())
    proposal.state, proposal.decided_by, proposal.decided_at = State.OPEN, None, None
    proposal.full_clean()
    proposal.save()
    after = {"base_version": proposal.base_version, "state": proposal.state}
    audit.record(actor=actor, door=door, action="update", obj=proposal,
                 changes=audit.changes_between(before, after))
    return proposal


def _require_proposer(actor, proposal):
    if actor is not None and not (proposal.proposer_id == actor.pk or policy.is_lead(actor)):
        raise Refused("Only the person who proposed this change (or a RevOps lead) may do that.")


def _require_approver(actor, proposal):
    approver = routing.routing_for(proposal.layer).approver(proposal.proposer)
    if actor is None:
        return approver
    if actor.pk == proposal.proposer_id:
        raise Refused("No one approves or rejects their own change: the Accountable of its "
                      "layer decides it (the RevOps seat, when that is you).")
    if approver is None or approver.pk != actor.pk:
        raise Refused("Only the approver the RACI routes this change to (the Accountable "
                      "of its layer, else the RevOps seat) decides it.")
    return approver


def _require_current(proposal, kind, obj):
    version = kind.version(obj)
    if version != proposal.base_version:
        raise OutOfDate(proposal, version)


def _require_open(proposal):
    if proposal.state != State.OPEN:
        raise ValidationError({"state": f"This proposal is "
                                        f"{proposal.get_state_display().lower()} already."})


@transaction.atomic
def proposal_approve(*, proposal, actor, door, note="", today=None, now=None):
    """The approver approves: the change applies now, or on its effective date."""
    proposal = _locked(proposal)
    _require_approver(actor, proposal)
    _require_open(proposal)
    kind, obj = _item(proposal)
    _require_current(proposal, kind, obj)
    if proposal.fields == proposal.base:
        raise ValidationError({"fields": "This proposal changes nothing yet: its proposer "
                                         "completes it first."})
    now = now or timezone.now()
    proposal.state, proposal.decided_by = State.APPROVED, audit.user_or_none(actor)
    proposal.decided_at, proposal.decision_note = now, (note or "").strip()
    proposal.save()
    audit.record(actor=actor, door=door, action="approve", obj=proposal,
                 changes={"state": [State.OPEN, State.APPROVED], "note": proposal.decision_note})
    _announce("proposal.approved", proposal)
    today = today or timezone.localdate(now)
    if proposal.effective_on is None or proposal.effective_on <= today:
        _apply(proposal, kind=kind, obj=obj, door=door, now=now)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal, actor, door, note, now=None):
    """The approver rejects, saying why."""
    proposal = _locked(proposal)
    _require_approver(actor, proposal)
    _require_open(proposal)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say why the change is rejected."})
    proposal.state, proposal.decided_by = State.REJECTED, audit.user_or_none(actor)
    proposal.decided_at, proposal.decision_note = now or timezone.now(), note
    proposal.save()
    audit.record(actor=actor, door=door, action="reject", obj=proposal,
                 changes={"state": [State.OPEN, State.REJECTED], "note": note})
    _announce("proposal.rejected", proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal, actor, door, now=None):
    """The proposer takes back a proposal that has not applied."""
    proposal = _locked(proposal)
    _require_proposer(actor, proposal)
    if proposal.state not in (State.OPEN, State.APPROVED):
        raise ValidationError({"state": f"This proposal is "
                                        f"{proposal.get_state_display().lower()} already."})
    before = proposal.state
    proposal.state, proposal.decided_at = State.WITHDRAWN, now or timezone.now()
    proposal.save()
    audit.record(actor=actor, door=door, action="withdraw", obj=proposal,
                 changes={"state": [before, State.WITHDRAWN]})
    return proposal


@transaction.atomic
def proposal_comment(*, proposal, body, actor, door, objection=False, now=None):
    """Anyone may comment on an open proposal. An objection speaks for a Consulted
    function of the item's layer, so only its head (or deputy) raises one; it is shown
    to the approver and does not block."""
    if actor is None or not policy.can_view(actor):
        raise Refused("Sign in to comment on a proposal.")
    proposal = _locked(proposal)
    _require_open(proposal)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the comment."})
    if len(body) > MAX_REASON:
        raise ValidationError({"body": f"Keep the comment under {MAX_REASON} characters."})
    function = None
    if objection:
        acted_for = policy.headed_function_ids(actor)
        function = next((f for f in routing.routing_for(proposal.layer).consulted
                         if f.pk in acted_for), None)
        if function is None:
            raise Refused("Only the head of a function Consulted on this layer may object; "
                          "leave a comment instead.")
    comment = Comment(proposal=proposal, author=actor, function=function, body=body,
                      objection=bool(objection), at=now or timezone.now(), door=door)
    comment.full_clean()
    comment.save()
    audit.record(actor=actor, door=door, action="object" if objection else "comment",
                 obj=proposal, changes={"body": body,
                                        "function": function.slug if function else None})
    return comment


@transaction.atomic
def proposal_revert(*, proposal, reason, actor, door, today=None):
    """Propose putting back what an applied change replaced: a new proposal of the
    previous version, routed and decided like any other."""
    if proposal.state != State.APPLIED:
        raise ValidationError({"state": "Only an applied change can be reverted."})
    kind, obj = _item(proposal)
    return proposal_open(item=obj, fields=proposal.base, reason=reason, actor=actor, door=door,
                         reverts=proposal, today=today)


def proposal_from_decision(*, item, reason, by, decision, **context):
    """A ritual's decision linked to a governed item opens a draft proposal for it: the
    decision is the reason, the fields start as the item's own, and the decision's owner
    completes them. Listens to ``decision.recorded``; a decision that cannot become a
    proposal (an ungoverned item, an owner who may not propose, nobody to approve) is
    recorded all the same, without one."""
    kind = items.kind_of(item)
    if kind is None or by is None:
        return None
    try:
        with transaction.atomic():
            return proposal_open(item=item, fields={}, reason=reason, actor=by,
                                 door=context.get("door", Door.TASK), decision=str(decision))
    except (Conflict, Refused, ValidationError):
        return None


def _apply(proposal, *, kind, obj, door, now):
    _require_current(proposal, kind, obj)
    summary = f"Proposal {proposal.pk}: {' '.join(proposal.reason.split())}"
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[:SUMMARY_LENGTH - 1] + "…"
    with governance.applying(proposal):
        version = kind.apply(obj, fields=proposal.fields, base_version=proposal.base_version,
                             summary=summary, actor=proposal.proposer, door=door)
    proposal.state, proposal.applied_at, proposal.applied_version = State.APPLIED, now, version
    proposal.meaningful = rules.alters_meaning(proposal.kind, proposal.base, proposal.fields)
    proposal.save()
    audit.record(actor=None, door=door, action="apply", obj=proposal,
                 changes={"state": [State.APPROVED, State.APPLIED], "version": version})
    _announce("proposal.applied", proposal)
    route = routing.routing_for(proposal.layer)
    label = proposal.item_label
    _tell(route.heads(route.informed), f"Changed: “{label}”",
          f"“{label}” changed (version {version}). Your function is Informed.", proposal)
    if proposal.meaningful:
        _tell(route.heads(route.acknowledging), f"Please read: “{label}” changed",
              f"“{label}” changed (version {version}): read it and acknowledge it on its page.",
              proposal)


def apply_due_proposals(*, today=None, now=None):
    """The daily job: apply every approved proposal whose effective date has come. Each
    in its own transaction; one out of date (or refused) stays approved, for its proposer
    to bring up to date, and the others apply. Running it twice applies nothing twice.
    Returns the proposals applied."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    applied = []
    due = Proposal.objects.filter(state=State.APPROVED, effective_on__lte=today).order_by(
        "effective_on", "decided_at", "pk").values_list("pk", flat=True)
    for pk in due:
        try:
            with transaction.atomic():
                proposal = Proposal.objects.select_for_update(of=("self",)).select_related(
                    "proposer").get(pk=pk)
                if proposal.state != State.APPROVED:
                    continue
                kind, obj = _item(proposal)
                _apply(proposal, kind=kind, obj=obj, door=Door.TASK, now=now)
                applied.append(proposal)
        except (Conflict, Refused, ValidationError) as exc:
            # Left approved: its page says why, and its proposer brings it up to date.
            logger.warning("Proposal %s not applied: %s", pk, exc)
    return applied
