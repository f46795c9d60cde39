"""The recap of a held occurrence: what was decided, who does what by when, and the
rating, sent once to the people behind the ritual's functions (one e-mail each) and to
every channel subscribed to ``occurrence.recapped``.

It goes through the outbox (rows written in the record's own transaction, sent after
commit), so a rolled-back record sends nothing and a committed one is not lost. It is
sent once per occurrence: ``recapped_at`` is claimed in the statement that checks it is
unset, so recording the same occurrence again (a correction) sends no second recap.
"""

from django.conf import settings
from django.template.loader import render_to_string

from cadence.models import Occurrence
from revops import events
from revops.models import Function


def recipients(occurrence, actions):
    """The addresses of the people behind the ritual: whoever acts for the seat of its
    owner and of each attending function, the ritual's owning person, and each action
    item's owner. Sorted, each once."""
    ritual = occurrence.ritual
    functions = Function.objects.select_related("head", "deputy").filter(
        pk__in=[*ritual.attendees.values_list("pk", flat=True),
                *([ritual.owner_id] if ritual.owner_id else [])])
    people = [f.covered_by for f in functions]
    people.append(ritual.owner_person)
    people.extend(a.owner for a in actions)
    return sorted({p.email for p in people if p is not None and p.is_active and p.email})


def recap_payload(occurrence, decisions, actions):
    ritual = occurrence.ritual
    return {
        "id": occurrence.pk, "ritual": ritual.pk, "ritual_name": ritual.name,
        "layer": ritual.layer, "scheduled_for": occurrence.scheduled_for,
        "rating": occurrence.rating,
        "decisions": [{"id": d.pk, "text": d.text, "owner": d.owner.slug,
                       "revisit_on": d.revisit_on} for d in decisions],
        "actions": [{"id": a.pk, "text": a.text, "owner": a.owner.get_username(),
                     "due": a.due} for a in actions],
        "url": f"{settings.REVOPS_SITE_URL.rstrip('/')}{occurrence.get_absolute_url()}",
    }


def queue_recap(*, occurrence, decisions, actions, at):
    """Queue the recap unless this occurrence already had one. Returns whether it did."""
    if not Occurrence.objects.filter(pk=occurrence.pk, recapped_at__isnull=True).update(
            recapped_at=at):
        return False
    occurrence.recapped_at = at
    payload = recap_payload(occurrence, decisions, actions)
    local = occurrence.local_time
    subject = f"Recap: {occurrence.ritual.name}, {local:%a %d %b %Y}"
    body = render_to_string("cadence/email/recap.txt", {
        "occurrence": occurrence, "ritual": occurrence.ritual, "decisions": decisions,
        "actions": actions, "when": f"{local:%A %d %B %Y at %H:%M}", "link": payload["url"]})
    events.mail_many([([address], subject, body, "")
                      for address in recipients(occurrence, actions)])
    events.emit("occurrence.recapped", payload)
    return True
