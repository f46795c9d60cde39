"""Rituals on RFC 5545 schedules, their materialized occurrences, and calendar feed tokens.

Invariants held by the database: one occurrence per ritual per scheduled time (so
re-running the materializer creates nothing), a sane duration, a known status.
"""

import zoneinfo
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.timezone import localtime, now

from cadence import rules
from cadence.choices import ActionState, Horizon, Purpose, Status
from revops import constraints, fiscal, zones
from revops.models import Function, Layer
from revops.tokens import HashedToken


class RitualQuerySet(models.QuerySet):
    def live(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Ritual(models.Model):
    """A recurring meeting of the operating model, with a schedule stored as an RFC 5545
    rule (no DTSTART: the time of day is its BYHOUR/BYMINUTE, wall-clock in ``timezone``).

    ``schedule_start`` is when the current schedule took effect (creation, or the last
    change of rule, zone or horizon): nothing is scheduled before it, and it anchors the
    rule's DTSTART (on the fiscal quarter for quarterly rules).
    """

    name = models.CharField(max_length=120)
    horizon = models.CharField(max_length=10, choices=Horizon.choices)
    layer = models.CharField(max_length=10, choices=Layer.choices)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, blank=True, default="")
    owner = models.ForeignKey(
        Function, null=True, blank=True, on_delete=models.PROTECT, related_name="rituals"
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_rituals",
    )
    attendees = models.ManyToManyField(Function, blank=True, related_name="attended_rituals")
    duration_minutes = models.PositiveIntegerField(default=30)
    output = models.CharField(max_length=200, blank=True, help_text="What the ritual produces.")
    output_section = models.ForeignKey(
        "runbook.Section", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="rituals", help_text="The run-book section its output updates.",
    )
    agenda = models.TextField(blank=True, help_text="Markdown.")
    agenda_html = models.TextField(blank=True, editable=False)
    # Search (revops.search.refresh_vectors): these fields' words, PostgreSQL only.
    SEARCH_WEIGHTS = {"name": "A", "output": "B", "agenda": "C"}
    search_vector = SearchVectorField(null=True, editable=False)
    timezone = models.CharField(max_length=64, default="UTC")
    rrule = models.CharField(max_length=300)
    active = models.BooleanField(default=True)
    governed = models.BooleanField(
        default=False, help_text="Changes only through proposals (change control).")
    reminder_lead = models.DurationField(
        default=timedelta(hours=1),
        help_text="How long before each occurrence the owner is reminded.",
    )
    grace = models.DurationField(
        null=True, blank=True,
        help_text="How long after its time an occurrence may be recorded before it is "
                  "missed. Empty: one day for daily rituals, two days otherwise.",
    )
    schedule_start = models.DateTimeField(default=now)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE.")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)
    archived_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the model it belongs to was replaced; an archived ritual is read-only.",
    )

    objects = RitualQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1)
                & Q(duration_minutes__lte=rules.MAX_DURATION_MINUTES),
                name="cadence_ritual_duration_sane",
            ),
            models.CheckConstraint(
                condition=Q(horizon__in=rules.HORIZONS), name="cadence_ritual_horizon_known"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cadence:ritual", args=[self.pk])

    @property
    def owning_function_id(self):
        return self.owner_id

    @cached_property
    def tz(self):
        return zoneinfo.ZoneInfo(self.timezone)

    def schedule(self):
        """The checked ``rules.Schedule`` of the stored rule."""
        return rules.schedule(
            horizon=self.horizon, rrule=self.rrule, timezone=self.timezone,
            starts_at=self.schedule_start, start_month=fiscal.start_month(),
        )

    @property
    def schedule_text(self):
        return rules.describe(self.horizon, self.rrule, fiscal.start_month())

    @property
    def zone_words(self):
        return zones.words(self.timezone)

    @property
    def schedule_in_words(self):
        """"Every Monday at 09:00, New York time": the schedule as people say it. A rule
        the pickers cannot say stays a rule (shown on demand), so it is not repeated."""
        text = self.schedule_text
        if text == self.rrule:
            return f"A custom schedule, {self.zone_words}"
        return f"{text}, {self.zone_words}"


class Occurrence(models.Model):
    """One scheduled time of a ritual, and what became of it."""

    ritual = models.ForeignKey(Ritual, on_delete=models.CASCADE, related_name="occurrences")
    scheduled_for = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    notes = models.TextField(blank=True, help_text="Markdown.")
    notes_html = models.TextField(blank=True, editable=False)
    reviewed_sections = models.ManyToManyField(
        "runbook.Section", blank=True, related_name="ritual_occurrences"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The outcome of a held occurrence (its decisions and action items point here).
    present = models.ManyToManyField(
        Function, blank=True, through="Attendance", related_name="+",
        help_text="The ritual's functions that were there.")
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=f"How useful the meeting was, "
        f"{rules.RATING_MIN}–{rules.RATING_MAX}.")
    recapped_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the recap was queued: it goes out once per occurrence.")

    class Meta:
        ordering = ["scheduled_for", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ritual", "scheduled_for"], name="cadence_occurrence_once_per_time"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="cadence_occurrence_status_known"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True)
                | Q(rating__gte=rules.RATING_MIN, rating__lte=rules.RATING_MAX),
                name="cadence_occurrence_rating_in_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self):
        local = localtime(self.scheduled_for, self.ritual.tz)
        return f"{self.ritual} · {local:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("cadence:occurrence", args=[self.pk])

    @property
    def owning_function_id(self):
        return self.ritual.owner_id

    @property
    def local_time(self):
        return localtime(self.scheduled_for, self.ritual.tz)

    @property
    def is_recorded(self):
        return self.status in (Status.HELD, Status.SKIPPED)


class Attendance(models.Model):
    """One of the ritual's functions present at a held occurrence."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE,
                                   related_name="attendance")
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["function__position", "function__slug"]
        constraints = [models.UniqueConstraint(fields=["occurrence", "function"],
                                               name="cadence_attendance_once")]

    def __str__(self):
        return f"{self.function} at {self.occurrence}"


class Decision(models.Model):
    """What a held occurrence decided, owned by a function. It may name the item of the
    model it changes (a section, a definition, a RACI row or a ritual: at most one) and
    a day to revisit it, when a review of that item is asked for
    (``cadence.services.outcomes.raise_due_revisits``)."""

    ritual = models.ForeignKey(Ritual, on_delete=models.CASCADE, related_name="decisions")
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE,
                                   related_name="decisions")
    text = models.TextField(max_length=rules.OUTCOME_TEXT_MAX)
    owner = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="decisions")
    revisit_on = models.DateField(null=True, blank=True)
    revisit_raised_at = models.DateTimeField(null=True, blank=True, editable=False)
    section = models.ForeignKey("runbook.Section", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="decisions")
    definition = models.ForeignKey("runbook.Definition", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="decisions")
    raci_row = models.ForeignKey("raci.Row", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="decisions")
    linked_ritual = models.ForeignKey(Ritual, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=now)

    LINKS = {"section": "section", "definition": "definition", "row": "raci_row",
             "ritual": "linked_ritual"}

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["revisit_on"], name="cadence_decision_revisit",
                                condition=Q(revisit_raised_at__isnull=True,
                                            revisit_on__isnull=False))]
        constraints = [models.CheckConstraint(
            condition=(Q(section__isnull=True, definition__isnull=True,
                         raci_row__isnull=True)
                       | Q(section__isnull=True, definition__isnull=True,
                           linked_ritual__isnull=True)
                       | Q(section__isnull=True, raci_row__isnull=True,
                           linked_ritual__isnull=True)
                       | Q(definition__isnull=True, raci_row__isnull=True,
                           linked_ritual__isnull=True)),
            name="cadence_decision_links_one_item")]

    def __str__(self):
        return self.text[:80]

    @property
    def owning_function_id(self):
        return self.ritual.owner_id

    @property
    def link(self):
        """``(kind, item)`` of the linked item, or None."""
        for kind, field in self.LINKS.items():
            if getattr(self, f"{field}_id") is not None:
                return kind, getattr(self, field)
        return None


class ActionItem(models.Model):
    """A promise made at a held occurrence: a person does something by a day. It belongs
    to the ritual (not to a slot of its schedule), so it is carried to every next
    occurrence until it is done or dropped, whatever becomes of the schedule."""

    ritual = models.ForeignKey(Ritual, on_delete=models.CASCADE, related_name="actions")
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE,
                                   related_name="actions")
    text = models.TextField(max_length=rules.OUTCOME_TEXT_MAX)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="action_items")
    due = models.DateField()
    state = models.CharField(max_length=10, choices=ActionState.choices,
                             default=ActionState.OPEN)
    created_at = models.DateTimeField(default=now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    drop_reason = models.TextField(blank=True, max_length=rules.OUTCOME_TEXT_MAX)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["state", "due"], name="cadence_action_state_due")]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ActionState.values),
                                   name="cadence_action_state_known"),
            models.CheckConstraint(
                condition=Q(state=ActionState.OPEN, closed_at__isnull=True)
                | (~Q(state=ActionState.OPEN) & Q(closed_at__isnull=False)),
                name="cadence_action_closed_when_not_open"),
            models.CheckConstraint(
                condition=~Q(state=ActionState.DROPPED) | ~Q(drop_reason=""),
                name="cadence_action_dropped_with_reason"),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def owning_function_id(self):
        return self.ritual.owner_id

    @property
    def assignee_id(self):
        return self.owner_id

    def is_overdue(self, today):
        return self.state == ActionState.OPEN and self.due < today


class FeedToken(HashedToken):
    """A per-user secret for calendar subscriptions: it goes in the feed URL, because
    calendar apps cannot send headers."""

    KIND = "cal_"
    SECRET_BYTES = 24
    PREFIX_LENGTH = 6

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )

    def __str__(self):
        return f"Calendar feed of {self.user} ({self.prefix}…)"


constraints.register({
    "cadence_occurrence_once_per_time": "This ritual already has an occurrence at that time.",
    "cadence_ritual_duration_sane": (
        f"duration_minutes: the duration must be between 1 and {rules.MAX_DURATION_MINUTES} "
        "minutes."
    ),
    "cadence_ritual_horizon_known": "horizon: unknown horizon.",
    "cadence_occurrence_rating_in_range": (
        f"rating: give a whole number from {rules.RATING_MIN} to {rules.RATING_MAX}."),
    "cadence_attendance_once": "present: a function is present once.",
    "cadence_decision_links_one_item": "link: a decision links at most one item.",
    "cadence_action_state_known": "state: unknown state.",
    "cadence_action_closed_when_not_open": "state: a closed action item says when.",
    "cadence_action_dropped_with_reason": "reason: say why the action item is dropped.",
})
