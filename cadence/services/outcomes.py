"""An occurrence's outcome — who was there, what was decided, who does what by when, and
how useful it was — and the action items' life afterwards: done or dropped, by whom
and when.

The outcome is checked whole before anything is written (``outcome_errors``), so a
record with one bad action item writes nothing; ``write_outcome`` runs inside
``occurrence_record``'s transaction. A decision linked to an item of the model is told
to the layers above (``revops.registry.tell("decision.recorded", …)``): change control
opens its proposal there, and a listener that refuses rolls the whole record back.
"""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadence import rules
from cadence.models import ActionItem, ActionState, Attendance, Decision, Ritual, Status
from raci.models import Row
from revops import audit, events, policy, registry
from revops.errors import refuse_archived
from revops.models import Function
from runbook.models import Definition, Section

#: What each kind of link names, as the API and the form spell it.
LINK_MODELS = {"section": Section, "definition": Definition, "row": Row, "ritual": Ritual}


def ritual_functions(ritual):
    """The functions that may be present: the owner and the attending functions."""
    ids = set(ritual.attendees.values_list("pk", flat=True))
    if ritual.owner_id:
        ids.add(ritual.owner_id)
    return ids


def _text_error(text, what):
    text = (text or "").strip()
    if not text:
        return f"Say what the {what} is."
    if len(text) > rules.OUTCOME_TEXT_MAX:
        return f"Keep the {what} within {rules.OUTCOME_TEXT_MAX} characters."
    return None


def _decision_errors(index, decision, day):
    errors = {}
    key = f"decisions[{index}]"
    if problem := _text_error(decision.get("text"), "decision"):
        errors[f"{key}.text"] = [problem]
    if not isinstance(decision.get("owner"), Function):
        errors[f"{key}.owner"] = ["Name the function that owns the decision."]
    revisit = decision.get("revisit_on")
    if revisit is not None and (not isinstance(revisit, date) or revisit <= day):
        errors[f"{key}.revisit_on"] = [
            f"A revisit date comes after the meeting's day ({day:%Y-%m-%d})."]
    link = decision.get("link")
    if link is not None:
        kind, item = link
        if kind not in LINK_MODELS or not isinstance(item, LINK_MODELS[kind]):
            errors[f"{key}.link"] = [
                f"Link a {', a '.join(LINK_MODELS)}, or nothing."]
    return errors


def _action_errors(index, action, day):
    errors = {}
    key = f"actions[{index}]"
    if problem := _text_error(action.get("text"), "action"):
        errors[f"{key}.text"] = [problem]
    owner = action.get("owner")
    if not isinstance(owner, get_user_model()) or not owner.is_active:
        errors[f"{key}.owner"] = ["Name an active person who owns the action."]
    due = action.get("due")
    if not isinstance(due, date):
        errors[f"{key}.due"] = ["Give the day the action is due."]
    elif due < day:
        errors[f"{key}.due"] = [
            f"An action is due on or after the meeting's day ({day:%Y-%m-%d})."]
    return errors


def outcome_errors(*, occurrence, status, present, decisions, actions, rating):
    """Every problem with an outcome, keyed by field (``actions[1].due``); empty when
    it may be written. Only a held occurrence has an outcome."""
    has_outcome = bool(present or decisions or actions or rating is not None)
    if status != Status.HELD:
        return {"status": ["Only a held occurrence has attendees, decisions, action "
                           "items or a rating."]} if has_outcome else {}
    errors = {}
    day = occurrence.local_time.date()
    allowed = ritual_functions(occurrence.ritual)
    strangers = [f for f in present if f.pk not in allowed]
    if strangers:
        errors["present"] = [", ".join(str(f) for f in strangers)
                             + " neither owns nor attends this ritual."]
    if rating is not None and not (
            isinstance(rating, int) and rules.RATING_MIN <= rating <= rules.RATING_MAX):
        errors["rating"] = [f"Give a whole number from {rules.RATING_MIN} to "
                            f"{rules.RATING_MAX}."]
    for field, items in (("decisions", decisions), ("actions", actions)):
        if len(items) > rules.OUTCOME_ITEMS_MAX:
            errors[field] = [f"At most {rules.OUTCOME_ITEMS_MAX} {field} per occurrence."]
    if "decisions" not in errors:
        for index, decision in enumerate(decisions):
            errors.update(_decision_errors(index, decision, day))
    if "actions" not in errors:
        for index, action in enumerate(actions):
            errors.update(_action_errors(index, action, day))
    return errors


def write_outcome(*, occurrence, present, decisions, actions, actor, door, at):
    """Write a checked outcome (``outcome_errors`` found nothing) of the occurrence just
    saved with its rating. Attendance is replaced by a new record; decisions and action
    items are added to those the occurrence already has. Returns ``(decisions,
    actions)`` made."""
    ritual = occurrence.ritual
    Attendance.objects.filter(occurrence=occurrence).delete()
    Attendance.objects.bulk_create(
        [Attendance(occurrence=occurrence, function=f) for f in present])
    made_decisions = []
    for given in decisions:
        decision = Decision(ritual=ritual, occurrence=occurrence, text=given["text"].strip(),
                            owner=given["owner"], revisit_on=given.get("revisit_on"),
                            created_at=at)
        if link := given.get("link"):
            kind, item = link
            setattr(decision, Decision.LINKS[kind], item)
        decision.full_clean(exclude=["ritual", "occurrence", "owner"])
        decision.save()
        made_decisions.append(decision)
    made_actions = [ActionItem(ritual=ritual, occurrence=occurrence,
                               text=given["text"].strip(), owner=given["owner"],
                               due=given["due"], created_at=at) for given in actions]
    for action in made_actions:
        action.full_clean(exclude=["ritual", "occurrence", "owner"])
        action.save()
    audit.record_many(actor=actor, door=door, action="decide", at=at, changes_by_object=[
        (d, {"text": d.text, "owner": d.owner.slug, "revisit_on": d.revisit_on,
             "link": _link_words(d)}) for d in made_decisions])
    audit.record_many(actor=actor, door=door, action="assign", at=at, changes_by_object=[
        (a, {"text": a.text, "owner": a.owner.get_username(), "due": a.due})
        for a in made_actions])
    by = audit.user_or_none(actor)
    for decision in made_decisions:
        if decision.link is not None:
            registry.tell("decision.recorded", item=decision.link[1], reason=decision.text,
                          by=by, decision=decision)
    return made_decisions, made_actions


def _link_words(decision):
    link = decision.link
    return None if link is None else f"{link[0]} {link[1].pk}: {link[1]}"


def _lock_action(action):
    return ActionItem.objects.select_for_update().select_related("ritual").get(pk=action.pk)


def _close(*, action, state, actor, door, reason="", now=None):
    action = policy.locked_for_settle(actor, action, lock=_lock_action)
    refuse_archived(action, action.ritual.archived_at)
    if action.state != ActionState.OPEN:
        raise ValidationError({"state": [f"This action item is already {action.state}."]})
    reason = (reason or "").strip()
    if state == ActionState.DROPPED and not reason:
        raise ValidationError({"reason": ["Say why the action item is dropped."]})
    if len(reason) > rules.OUTCOME_TEXT_MAX:
        raise ValidationError({"reason": [
            f"Keep the reason within {rules.OUTCOME_TEXT_MAX} characters."]})
    before = audit.snapshot(action, ["state", "drop_reason"])
    action.state = state
    action.drop_reason = reason
    action.closed_at = now or timezone.now()
    action.closed_by = audit.user_or_none(actor)
    action.full_clean(exclude=["ritual", "occurrence", "owner"])
    action.save(update_fields=["state", "drop_reason", "closed_at", "closed_by"])
    audit.record(actor=actor, door=door, action=state, obj=action,
                 changes=audit.changes_between(before, audit.snapshot(
                     action, ["state", "drop_reason"])))
    events.emit("action.closed", {
        "id": action.pk, "ritual": action.ritual_id, "ritual_name": action.ritual.name,
        "text": action.text, "state": action.state, "reason": action.drop_reason,
        "closed_at": action.closed_at,
        "closed_by": action.closed_by.get_username() if action.closed_by else None,
    })
    return action


@transaction.atomic
def actions_give_owner(*, actions, owner, actor, door):
    """Give the action items ``actions`` (with their ritual) still open to ``owner``: the
    hand-over's move, for however many. Their open state and owner are re-read under
    the rows' locks, so one closed meanwhile keeps its owner as history; then one
    statement moves them all and one more writes an audit entry each (a hand-over of
    thousands stays well under a second). The caller has checked that ``owner`` can
    sign in. Returns the items moved, in the order given."""
    actions = list(actions)
    for action in actions:
        policy.require_change(actor, action)
    if not actions:
        return []
    owned_by = dict(ActionItem.objects.select_for_update(of=("self",))
                    .filter(pk__in=[a.pk for a in actions], state=ActionState.OPEN)
                    .values_list("pk", "owner__username"))
    moved = [a for a in actions if a.pk in owned_by]
    ActionItem.objects.filter(pk__in=owned_by).update(owner=owner)
    who = owner.get_username()
    audit.record_rows(actor=actor, door=door, action="update", at=timezone.now(),
                      object_type=ActionItem._meta.label_lower,
                      rows=[(a.pk, a, {"owner": [owned_by[a.pk], who]}) for a in moved])
    for action in moved:
        action.owner = owner
    return moved


@transaction.atomic
def action_complete(*, action, actor, door, now=None):
    """Mark an open action item done: its owner, or whoever may change the ritual."""
    return _close(action=action, state=ActionState.DONE, actor=actor, door=door, now=now)


@transaction.atomic
def action_drop(*, action, reason, actor, door, now=None):
    """Drop an open action item, saying why (the reason is kept with who and when)."""
    return _close(action=action, state=ActionState.DROPPED, actor=actor, door=door,
                  reason=reason, now=now)
