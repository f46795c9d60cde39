"""Notifications people read: what an event says in a channel (``Channel``) and how it
gets there.

``revops.events.emit_many`` hands every event a channel may subscribe to
(``Channel.EVENTS``) to ``fan_out``, which writes one outbox row per subscribed channel
in the caller's transaction: a ``Mail`` for an e-mail channel, a ``SlackMessage`` for a
Slack-compatible one. The outbox's drain sends them with the retries, backoff and lease
of every other row (``revops.outbox``), to URLs checked by ``revops.netguard``.

One emit makes one message per channel, however many payloads it carries: the daily
stale scan posts "12 sections went stale" listing the first ``LISTED``, not twelve posts.
The words come from the payload alone (what ``emit`` was given), so a new event kind
needs a label in ``Channel.EVENTS`` and, if the generic line is not enough, a describer
in ``DESCRIBERS``.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from revops import webhooks
from revops.models import Channel, Mail, SlackMessage

LISTED = 10
REASON_SHOWN = 200


@dataclass(frozen=True)
class Item:
    """One thing a reader should know, in plain words, and the page where they act on it
    (a channel message lists them; so does the Monday brief)."""

    text: str
    path: str = ""

    @property
    def link(self):
        return f"{settings.REVOPS_SITE_URL.rstrip('/')}{self.path}" if self.path else ""


@dataclass(frozen=True)
class Message:
    event: str
    items: list
    total: int

    @property
    def headline(self):
        label = Channel.EVENTS.get(self.event, self.event)
        return label if self.total == 1 else f"{label} ({self.total})"

    @property
    def more(self):
        return self.total - len(self.items)

    def plain(self):
        """The e-mail body: one line per item with its link under it."""
        lines = [f"{self.headline}\n"]
        for item in self.items:
            lines.append(f"- {item.text}" + (f"\n  {item.link}" if item.link else ""))
        if self.more:
            lines.append(f"…and {self.more} more.")
        return "\n".join(lines) + "\n"

    def slack(self):
        """The JSON body Slack and Mattermost accept: ``text`` carries the whole message
        (Mattermost shows only that; Slack uses it for notifications) and ``blocks`` lay
        it out in Slack. Text from people is escaped, so a title cannot mention
        ``<!channel>`` or forge a link."""
        lines = [f"• {_slack_link(item)}" for item in self.items]
        if self.more:
            lines.append(f"…and {self.more} more.")
        listing = "\n".join(lines)
        return {
            "text": f"{_slack_escape(self.headline)}\n{listing}",
            "blocks": [
                {"type": "header",
                 "text": {"type": "plain_text", "text": self.headline[:150]}},
                {"type": "section", "text": {"type": "mrkdwn", "text": listing[:3000]}},
                {"type": "context", "elements": [
                    {"type": "mrkdwn", "text": f"RevOps operating model · `{self.event}`"}]},
            ],
        }


def _slack_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_link(item):
    text = _slack_escape(item.text)
    return f"<{item.link}|{text.replace('|', '¦')}>" if item.link else text


def _path(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _when(value):
    """A date or moment of a payload, as people read it (moments in the site's zone)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%a %d %b %Y %H:%M %Z}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _section(payload, detail):
    title = payload.get("title") or f"Section {payload.get('id')}"
    text = f"“{title}” {detail}".strip()
    return Item(text, _path("runbook:section", payload["id"]) if "id" in payload else "")


def _stale(payload):
    reviewed = payload.get("last_reviewed_on")
    return _section(payload, f"was last reviewed on {_when(reviewed)}" if reviewed
                    else "has never been reviewed")


def _escalated(payload):
    to = payload.get("escalated_to")
    return _section(payload, f"is still stale and was escalated to {to}" if to
                    else "is still stale and was escalated")


def _concern(payload):
    reason = " ".join(str(payload.get("reason") or "").split())
    if len(reason) > REASON_SHOWN:
        reason = reason[:REASON_SHOWN - 1] + "…"
    return _section(payload, f"may be out of date: {reason}" if reason
                    else "may be out of date")


def _missed(payload):
    name = payload.get("ritual_name") or f"Ritual {payload.get('ritual')}"
    when = payload.get("scheduled_for")
    text = f"{name} on {_when(when)} was not recorded" if when else f"{name} was not recorded"
    return Item(text, _path("cadence:occurrence", payload["id"]) if "id" in payload else "")


def _raci_changed(payload):
    version = payload.get("version")
    now = f" is now at version {version}" if version is not None else " changed"
    return Item(f"The RACI matrix{now}: every function head signs it off again",
                _path("raci:matrix", payload["matrix"]) if "matrix" in payload else "")


def _maturity(payload):
    weakest = ", ".join(payload.get("constraint") or []) or "none"
    return Item(f"{payload.get('quarter', '')} maturity: {payload.get('stage', '')} "
                f"(held back by {weakest})", _path("maturity"))


def _generic(payload):
    name = payload.get("title") or payload.get("name") or payload.get("id") or ""
    return Item(str(name))


DESCRIBERS = {
    "section.stale": _stale,
    "section.escalated": _escalated,
    "section.concern_raised": _concern,
    "occurrence.missed": _missed,
    "raci.changed": _raci_changed,
    "maturity.assessed": _maturity,
}


def message(event, payloads):
    """The one message an emit of ``payloads`` makes in every subscribed channel."""
    describe = DESCRIBERS.get(event, _generic)
    return Message(event, [describe(p) for p in payloads[:LISTED]], len(payloads))


def subscribed(event):
    """The active channels subscribed to ``event``: one query, none for an event no
    channel may subscribe to."""
    if event not in Channel.EVENTS:
        return []
    return [c for c in Channel.objects.filter(active=True) if event in c.events]


def fan_out(event, payloads, channels):
    """Write the message of ``payloads`` (a list) to each of ``channels`` as an outbox row,
    in the caller's transaction (a rolled-back change posts nothing). Returns the rows."""
    if not payloads or not channels:
        return []
    said = message(event, payloads)
    return [
        *SlackMessage.objects.bulk_create([
            SlackMessage(channel=c, event=event, payload=said.slack())
            for c in channels if c.kind == Channel.Kind.SLACK]),
        *Mail.objects.bulk_create([
            Mail(to=[c.address], subject=said.headline[:300], body=said.plain())
            for c in channels if c.kind == Channel.Kind.EMAIL]),
    ]


def deliver(message):
    """POST one ``SlackMessage``: ``(status, error)``."""
    return webhooks.post(message.channel.url, webhooks.encode(message.payload), {})
