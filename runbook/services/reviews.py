"""What readers say about a section: a review (it is still true) and a concern (it
looks out of date), which the next review or revision answers."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from revops import audit, events, notify, policy
from revops.models import Function
from runbook import documents
from runbook.models import MAX_REASON_CHARS, ONE_OPEN_CONCERN, Concern, Review, StaleFlag
from runbook.services import links, payloads
from runbook.services.runbooks import refuse_archived_runbook


@transaction.atomic
def section_review(*, section, actor, door, note="", revision=None, at=None, ritual=None):
    """Record that ``actor`` read the section and it is still true: stamps the last
    review (date, who, which revision), closes the open stale flag (and so its
    escalation), if any, and answers the open concerns with the review's note.
    ``at`` back-dates the review (imports, the demo). ``ritual`` is the ritual whose
    occurrence is being recorded as held, when the review comes from one."""
    section = policy.locked_for_review(actor, section, lock=documents.lock, ritual=ritual)
    refuse_archived_runbook(section, section.runbook_id)
    review, number, closed, stamp = documents.record_review(
        document=section, reviews=Review, flags=StaleFlag, actor=actor, door=door, note=note,
        revision=revision, at=at)
    now = review.reviewed_at
    answered = answer_concerns(section, answer=review.note, by=review.reviewer, at=now)
    audit.record(
        actor=actor,
        door=door,
        action="review",
        obj=section,
        changes={
            **stamp,
            "note": review.note,
            "stale_flag_closed": bool(closed),
            "concerns_answered": answered,
        },
    )
    events.emit(
        "section.reviewed",
        {
            **payloads.section_payload(section),
            "reviewed_revision": number,
            "reviewed_at": review.reviewed_at,
            "by": review.reviewer.get_username() if review.reviewer else None,
            "note": review.note,
        },
    )
    return review


def validate_reason(reason):
    """A concern's reason: plain text, 1 to ``MAX_REASON_CHARS`` characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what looks out of date."})
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError({"reason": f"The reason is {len(reason)} characters; keep it "
                                         f"under {MAX_REASON_CHARS}."})
    return reason


@transaction.atomic
def concern_raise(*, section, reason, actor, door):
    """A reader says the section looks out of date. Anyone signed in may; each person
    holds at most one open concern per section (the database refuses a second: a
    ValidationError on ``reason``). The owner's head is told."""
    policy.require_raise_concern(actor)
    refuse_archived_runbook(section, section.runbook_id)
    reason = validate_reason(reason)
    raiser = audit.user_or_none(actor)
    concern = Concern(section=section, reason=reason, raised_by=raiser, door=door)
    concern.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            concern.save()
    except IntegrityError:  # the section and the person exist: it is the one-open rule
        raise ValidationError({"reason": ONE_OPEN_CONCERN}) from None
    audit.record(actor=actor, door=door, action="raise_concern", obj=concern,
                 changes={"section": section.pk, "reason": reason})
    by = raiser.get_username() if raiser else None
    events.emit("section.concern_raised", {
        **payloads.section_payload(section), "concern": concern.pk, "reason": reason, "by": by,
        "raised_at": concern.raised_at,
    })
    owner = Function.objects.select_related("head", "deputy").get(pk=section.owner_id)
    notify.email_function(
        owner, f"A reader says “{section.title}” looks out of date",
        render_to_string("runbook/email/concern_raised.txt", {
            "by": by, "section": section, "owner": owner, "reason": reason,
            "url": links.section_urls()(section.pk)}),
    )
    return concern


def answer_concerns(section, *, answer, by, at):
    """Answer every open concern on ``section`` (a review or a new revision did): stamp
    it, fire ``section.concern_resolved`` and tell each person who raised one.
    Returns how many were answered."""
    concerns = list(Concern.objects.filter(section=section, resolved_at__isnull=True)
                    .select_related("raised_by"))
    if not concerns:
        return 0
    Concern.objects.filter(pk__in=[c.pk for c in concerns]).update(
        resolved_at=at, resolved_by=by, answer=answer)
    by_name = by.get_username() if by else None
    events.emit_many("section.concern_resolved", (
        {**payloads.section_payload(section), "concern": c.pk, "reason": c.reason,
         "answer": answer, "by": by_name, "resolved_at": at}
        for c in concerns
    ))
    url = links.section_urls()(section.pk)
    for c in concerns:
        if c.raised_by is not None:
            notify.send(
                [c.raised_by.email], f"Your concern about “{section.title}” was answered",
                render_to_string("runbook/email/concern_answered.txt", {
                    "section": section, "reason": c.reason, "by": by_name, "answer": answer,
                    "url": url}),
            )
    return len(concerns)
