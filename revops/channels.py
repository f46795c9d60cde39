"""Notifications people read: what an event says in a channel (``Channel``) and how it
gets there.

``revops.events.emit_many`` hands every event a channel may subscribe to
(``revops.registry.channel_events``) to ``fan_out``, which writes one outbox row per
subscribed channel in the caller's transaction: a ``Mail`` for an e-mail channel, a
``SlackMessage`` for a Slack-compatible one. The outbox's drain sends them with the
retries, backoff and lease
of every other row (``revops.outbox``), to URLs checked by ``revops.netguard``.

One emit makes one message per channel, however many payloads it carries: the daily
stale scan posts "12 sections went stale" listing the first ``LISTED``, not twelve posts.
The words come from the payload alone (what ``emit`` was given): the app that emits an
event registers its label and, if the generic line is not enough, a describer that
makes an ``Item`` of one payload (``revops.registry``).

A payload says which layer of the operating model its thing belongs to in its
``layer`` key (a ritual's, a section's of the four layer kinds, a proposal's item's, a
metric's), read from what the emitting service already holds. A channel that chose
layers lists only the payloads of those layers and those with no layer (a person, the
whole model, the RACI matrix); a channel left with nothing to list gets no message.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from revops import registry, webhooks
from revops.models import Channel, Layer, Mail, SlackMessage

LISTED = 10


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
        label = registry.label(self.event)
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


def path_to(name, *args):
    """The path of the URL named ``name``, or "" when there is none (a describer's link
    is a courtesy: a message without it still says what happened)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def when(value):
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


def _generic(payload):
    name = payload.get("title") or payload.get("name") or payload.get("id") or ""
    return Item(str(name))


def message(event, payloads):
    """The one message an emit of ``payloads`` makes in every subscribed channel."""
    describe = registry.describer(event) or _generic
    return Message(event, [describe(p) for p in payloads[:LISTED]], len(payloads))


def subscribed(event):
    """The active channels subscribed to ``event``: one query, none for an event no
    channel may subscribe to."""
    if event not in registry.channel_events():
        return []
    return [c for c in Channel.objects.filter(active=True) if event in c.events]


def layer_of(payload):
    """The layer ``payload`` belongs to, or None when it names no known one."""
    layer = payload.get("layer") if isinstance(payload, dict) else None
    return layer if layer in Layer.values else None


def fan_out(event, payloads, channels):
    """Write the message of ``payloads`` (a list) to each of ``channels`` as an outbox row,
    in the caller's transaction (a rolled-back change posts nothing): each channel's
    message lists the payloads of its layers (``layer_of``), all of them for a channel
    of every layer. Two inserts, however many channels and payloads. Returns the rows."""
    if not payloads or not channels:
        return []
    layered = [(layer_of(p), p) for p in payloads]
    said = {}
    for layers in {frozenset(c.layers) for c in channels}:
        shown = [p for layer, p in layered if not layers or layer is None or layer in layers]
        said[layers] = message(event, shown) if shown else None
    heard = [(c, said[frozenset(c.layers)]) for c in channels if said[frozenset(c.layers)]]
    return [
        *SlackMessage.objects.bulk_create([
            SlackMessage(channel=c, event=event, payload=m.slack())
            for c, m in heard if c.kind == Channel.Kind.SLACK]),
        *Mail.objects.bulk_create([
            Mail(to=[c.address], subject=m.headline[:300], body=m.plain())
            for c, m in heard if c.kind == Channel.Kind.EMAIL]),
    ]


IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"


def idempotency_key(message):
    """The one key of an outbox ``SlackMessage``, whichever worker posts it and however
    often: a worker killed between the POST and recording it posts it again after the
    lease, with the same key. Slack and Mattermost ignore the header; a relay or a
    Slack-compatible receiver that keeps the keys it has seen can drop the repeat (the
    e-mail's ``Message-ID`` and the webhook's event id do the same for theirs)."""
    return f"slack-{message.pk}.{message.created_at:%Y%m%d%H%M%S}"


def deliver(message):
    """POST one ``SlackMessage`` with its idempotency key: ``(status, error)``."""
    return webhooks.post(message.channel.url, webhooks.encode(message.payload),
                         {IDEMPOTENCY_KEY_HEADER: idempotency_key(message)})
