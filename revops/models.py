"""What every app shares: the functions of the revenue org, the audit trail, the outbox,
API tokens, webhooks and notification channels."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from revops import netguard, registry, zones
from revops.defaults import REVOPS_SEAT
from revops.tokens import HashedToken


class Door(models.TextChoices):
    """How a change reached us. Every service takes one and writes it to the audit."""

    UI = "ui", "Browser"
    API = "api", "REST API"
    CONSOLE = "console", "Console"
    TASK = "task", "Background task"
    CLI = "cli", "Command line"
    SCIM = "scim", "SCIM provisioning"


class Layer(models.TextChoices):
    """The four fixed layers of the operating model."""

    STRATEGY = "strategy", "Strategy and planning"
    PROCESS = "process", "Process and workflow"
    SYSTEMS = "systems", "Systems and data"
    INSIGHTS = "insights", "Insights and analytics"


class FunctionQuerySet(models.QuerySet):
    def ordered(self):
        return self.order_by("position", "slug")


class Function(models.Model):
    """A function of the revenue org: a RACI column and the owner of sections and rituals."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80, unique=True)
    position = models.PositiveIntegerField(default=0)
    # The function's head is a seat: its holder (``head``), a deputy who backs them up
    # and covers the seat while it is vacant, and since when it has been vacant.
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_functions",
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy_functions",
        help_text="Backs up the head, and covers the seat while it is vacant.",
    )
    vacant_since = models.DateTimeField(
        null=True, blank=True, help_text="When the seat lost its holder (none while held)."
    )

    objects = FunctionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(deputy=models.F("head")),
                name="function_deputy_is_not_the_head",
                violation_error_message="A seat's deputy cannot be its holder.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_revops_seat(self):
        """The RevOps function's head is the RevOps lead: the seat carries lead rights."""
        return self.slug == REVOPS_SEAT

    @property
    def vacant(self):
        return self.head_id is None

    @property
    def covered_by(self):
        """Who acts for the seat: its holder, else its deputy, else nobody here (the
        RevOps seat covers what no deputy does)."""
        return self.head if self.head_id is not None else self.deputy


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("The audit trail is append-only.")

    def delete(self):
        raise ValidationError("The audit trail is append-only.")


class AuditEntry(models.Model):
    """One change to a domain object: who, when, through which door, before and after.

    Append-only: the model refuses updates and deletes, and on PostgreSQL a trigger
    refuses them too (see migration 0003).
    """

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(max_length=150, blank=True)
    door = models.CharField(max_length=10, choices=Door.choices)
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=60)  # indexed with object_id, below
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The trail's order, whole: a page of the newest entries is read off this
            # index, never sorted, however many entries share one moment (a bulk write
            # stamps thousands with the same ``at``).
            models.Index(fields=["at", "id"], name="revops_audit_at_id"),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self):
        who = self.actor_name or "system"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The audit trail is append-only.")


class ApiToken(HashedToken):
    """A bearer token for integrations, capped by its scope. A ``scim`` token is an
    identity provider's: it works on ``/scim/v2/`` only, and the REST API refuses it
    (as SCIM refuses the others). A ``metrics:write`` token is a warehouse's or a CRM
    job's: it sends metric values and does nothing else, and the value endpoints take
    no other token (views say so with ``token_scope``)."""

    KIND = "rvo_"

    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Read and write"
        SCIM = "scim", "SCIM provisioning"
        METRICS_WRITE = "metrics:write", "Send metric values"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.READ)

    class Meta(HashedToken.Meta):
        verbose_name = "API token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def allows_write(self):
        return self.scope == self.Scope.WRITE


def shown_url(url):
    """A URL as others may see it (audit trail, messages, lists): scheme and host, not the
    path, query or credentials, which often carry the receiver's secret (a Slack incoming
    webhook's path *is* its secret)."""
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    hidden = "/…" if parts.path.strip("/") or parts.query or parts.fragment else ""
    return f"{parts.scheme}://{host}{port}{hidden}"


class Subscription(models.Model):
    """What webhooks and channels share: the events they are sent, whether they are on,
    who set them up and when."""

    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Webhook(Subscription):
    """An integration's subscription to events (any the apps registered:
    ``revops.registry.webhook_events``); deliveries are signed with HMAC-SHA256."""

    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.target

    @property
    def target(self):
        return shown_url(self.url)

    def clean(self):
        errors = {}
        unknown = sorted(set(self.events) - set(registry.webhook_events()))
        if unknown:
            errors["events"] = f"Unknown event(s): {', '.join(unknown)}."
        if problem := netguard.url_problem(self.url):
            errors["url"] = problem
        if errors:
            raise ValidationError(errors)


class Channel(Subscription):
    """Where people read about what happened: an e-mail address (a team's list) or a
    Slack-compatible incoming webhook (Slack, Mattermost), subscribed per event kind
    (those the apps registered for channels: ``revops.registry.channel_events``) and,
    if it chooses, per layer of the operating model (none chosen: every layer).
    ``revops.events.emit`` reaches every active channel subscribed to the event, so no
    app knows channels exist; a channel of some layers hears only of the things in them
    and of those that have no layer (``revops.channels.fan_out``)."""

    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail"
        SLACK = "slack", "Slack-compatible incoming webhook"

    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=5, choices=Kind.choices)
    address = models.EmailField(blank=True, help_text="For e-mail: the address to write to.")
    url = models.URLField(max_length=500, blank=True,
                          help_text="For Slack or Mattermost: the incoming webhook's URL.")
    layers = models.JSONField(
        default=list, blank=True,
        help_text="Only what belongs to these layers (and what belongs to none); "
                  "none chosen: every layer.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def target(self):
        """Where it goes, as anyone may see it: the address, or the URL without its path."""
        return self.address if self.kind == self.Kind.EMAIL else shown_url(self.url)

    @property
    def event_labels(self):
        return [registry.label(event) for event in self.events]

    @property
    def layer_labels(self):
        return [Layer(layer).label for layer in self.layers]

    def clean(self):
        errors = {}
        if not isinstance(self.events, list) or not self.events:
            errors["events"] = "Choose at least one event to send."
        elif unknown := sorted(set(map(str, self.events)) - set(registry.channel_events())):
            errors["events"] = f"Unknown event(s): {', '.join(unknown)}."
        if not isinstance(self.layers, list):
            errors["layers"] = "Give a list of layers, or none for every layer."
        elif unknown := sorted(set(map(str, self.layers)) - set(Layer.values)):
            errors["layers"] = (f"Unknown layer(s): {', '.join(unknown)}; use "
                                f"{', '.join(Layer.values)}.")
        if self.kind == self.Kind.EMAIL:
            if not self.address:
                errors["address"] = "An e-mail channel needs an address."
            if self.url:
                errors["url"] = "An e-mail channel has no URL."
        elif self.kind == self.Kind.SLACK:
            if self.address:
                errors["address"] = "A Slack channel has no e-mail address."
            if not self.url:
                errors["url"] = "A Slack channel needs its incoming webhook's URL."
            elif problem := netguard.url_problem(self.url):
                errors["url"] = problem
        if errors:
            raise ValidationError(errors)


class OutboxMessage(models.Model):
    """A row of the outbox: written in the transaction of the change that caused it (so
    a rolled-back change sends nothing and a committed one cannot be lost), sent later
    by ``revops.outbox.drain``, retried with backoff until sent or given up."""

    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def state(self):
        if self.gave_up_at is not None:
            return "gave up"
        if self.done_at is not None:
            return "sent"
        return "waiting" if self.attempts == 0 else "retrying"


class PostedMessage(OutboxMessage):
    """An outbox row sent as a JSON POST: a webhook delivery or a Slack message."""

    event = models.CharField(max_length=40)
    payload = models.JSONField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def done_at(self):
        return self.delivered_at


class WebhookDelivery(PostedMessage):
    """One event for one subscriber. ``event_id`` is the same for every subscriber and
    every attempt: receivers de-duplicate on it (delivery is at least once)."""

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(
            fields=["next_attempt_at"], name="webhook_delivery_due",
            condition=models.Q(delivered_at__isnull=True, gave_up_at__isnull=True))]

    def __str__(self):
        return f"{self.event} → {self.webhook}"


class Mail(OutboxMessage):
    """An e-mail notification waiting in the outbox (sent by the drain, never inside a
    request)."""

    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    #: An HTML alternative to ``body`` (the plain text), or empty for a text-only e-mail.
    html = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "e-mail"
        indexes = [models.Index(
            fields=["next_attempt_at"], name="mail_due",
            condition=models.Q(sent_at__isnull=True, gave_up_at__isnull=True))]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def done_at(self):
        return self.sent_at


class SlackMessage(PostedMessage):
    """One message to a Slack-compatible channel: ``payload`` is the JSON body as posted
    (``text`` for clients that read only that, such as Mattermost, and ``blocks``)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(
            fields=["next_attempt_at"], name="slack_message_due",
            condition=models.Q(delivered_at__isnull=True, gave_up_at__isnull=True))]

    def __str__(self):
        return f"{self.event} → {self.channel}"


class ExternalIdentity(models.Model):
    """The person at the identity provider that a user signs in as.

    ``issuer`` and ``subject`` (the ID token's ``sub``) never change for a person, unlike
    their name, e-mail or username, so they, not the e-mail, find the user again."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="external_identity")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_sign_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"],
                                    name="external_identity_one_user_per_subject"),
        ]

    def __str__(self):
        return f"{self.subject} at {self.issuer}"


class Profile(models.Model):
    """How one person reads the product: for now, the zone every time is shown in.

    A person without a row reads the site's ``TIME_ZONE``; the row is made the first
    time they choose, so the people list never needs one per user."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="profile")
    time_zone = models.CharField(
        max_length=64, validators=[zones.validate_time_zone],
        help_text="Pages show times in this zone, e.g. America/New_York or Europe/London.")

    def __str__(self):
        return f"{self.user} ({self.time_zone})"


def configured_fiscal_year_start_month():
    """The environment's month (``REVOPS_FISCAL_YEAR_START_MONTH``): what an install
    that never saved the setting keeps using."""
    return settings.REVOPS_FISCAL_YEAR_START_MONTH


class Organisation(models.Model):
    """The organisation's settings a lead may change: one row at most, held by the
    database (its key is always 1). Until a lead saves it there is no row and the
    environment's values stand (``revops.organisation``)."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        default=configured_fiscal_year_start_month,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="The month the fiscal year starts in (1 = January). Quarters, staleness "
                  "and quarterly rituals follow it.")
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="organisation_single_row"),
            models.CheckConstraint(
                condition=models.Q(fiscal_year_start_month__gte=1,
                                   fiscal_year_start_month__lte=12),
                name="organisation_fiscal_month_1_to_12"),
        ]

    def __str__(self):
        return "Organisation settings"
