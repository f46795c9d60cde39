"""What the model as a whole keeps of its own: the Monday briefs it has sent, the
quarterly maturity assessments, and the model files a worker imports."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from overview import maturity
from revops import constraints, fiscal


class MondayBrief(models.Model):
    """A weekly brief sent to a function head. One per person per ISO week, held by the
    unique constraint: the job claims a row before it queues the e-mail, in the same
    transaction, so a second run in the same week (or two at once) sends nothing more."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="monday_briefs")
    week = models.DateField(help_text="The Monday of the ISO week the brief is for.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week"],
                                    name="monday_brief_once_per_person_per_week"),
        ]

    def __str__(self):
        return f"Monday brief for {self.user} (week of {self.week:%Y-%m-%d})"


def _score_field(pillar):
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(maturity.MIN_SCORE), MaxValueValidator(maturity.MAX_SCORE)],
        help_text=f"{maturity.PILLAR_LABELS[pillar]}, scored {maturity.MIN_SCORE} to "
                  f"{maturity.MAX_SCORE}.",
    )


def _evidence_field(pillar):
    return models.CharField(
        max_length=1000,
        help_text=f"What the {maturity.PILLAR_LABELS[pillar].lower()} score rests on.",
    )


def score_constraint_name(pillar):
    return f"maturity_{pillar}_score_0_to_8"


QUARTER_CONSTRAINT = "maturity_one_assessment_per_quarter"


class MaturityAssessment(models.Model):
    """A lead's scoring of the four pillars for one fiscal quarter. One per quarter, held
    by the unique constraint on the quarter's first day: a second assessment of the same
    quarter is an update of this row (``overview.services.maturity_assess``). Scores are
    0–8, held by check constraints as well as validators, so no door can store a 9.

    ``occurrence`` is the held operating-model refresh of that quarter the assessment was
    made at, when there was one; otherwise it stands on its own."""

    quarter_start = models.DateField(
        help_text="The first day of the fiscal quarter assessed.")
    people = _score_field("people")
    process = _score_field("process")
    data = _score_field("data")
    technology = _score_field("technology")
    people_evidence = _evidence_field("people")
    process_evidence = _evidence_field("process")
    data_evidence = _evidence_field("data")
    technology_evidence = _evidence_field("technology")
    occurrence = models.ForeignKey(
        "cadence.Occurrence", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="maturity_assessments",
        help_text="The held operating-model refresh it was made at, if any.",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL,
                                    related_name="maturity_assessments")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-quarter_start"]
        constraints = [
            models.UniqueConstraint(fields=["quarter_start"], name=QUARTER_CONSTRAINT),
            *[models.CheckConstraint(
                condition=Q(**{f"{p}__gte": maturity.MIN_SCORE, f"{p}__lte": maturity.MAX_SCORE}),
                name=score_constraint_name(p)) for p in maturity.PILLARS],
        ]

    def __str__(self):
        return f"Maturity assessment {self.quarter.code}"

    @property
    def quarter(self):
        return fiscal.fiscal_quarter(self.quarter_start)

    @property
    def scores(self):
        return {p: getattr(self, p) for p in maturity.PILLARS}

    @property
    def stage(self):
        return maturity.overall_stage(self.scores)

    @property
    def constraint_pillars(self):
        return maturity.constraint_pillars(self.scores)

    @property
    def constraint_pillar(self):
        return self.constraint_pillars[0]

    def pillars(self):
        """Per pillar, in order: ``(key, label, score, stage, evidence)``, for pages."""
        return [(p, maturity.PILLAR_LABELS[p], getattr(self, p),
                 maturity.stage_for(getattr(self, p)), getattr(self, f"{p}_evidence"))
                for p in maturity.PILLARS]


constraints.register({
    QUARTER_CONSTRAINT: "This fiscal quarter already has a maturity assessment: update it.",
    **{score_constraint_name(p): f"The {maturity.PILLAR_LABELS[p].lower()} score must be "
       f"from {maturity.MIN_SCORE} to {maturity.MAX_SCORE}." for p in maturity.PILLARS},
})


class Handover(models.Model):
    """A hand-over that happened: what moved from ``person`` to ``successor``, one item
    per holding, each accepted by the successor ("read and accepted"). It is complete when
    every item is accepted; until then readiness and the brief say it waits."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="handovers_given")
    successor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="handovers_received")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.person} → {self.successor} ({self.at:%Y-%m-%d})"


class HandoverItem(models.Model):
    """One holding a successor received, as it read when it moved."""

    class Kind(models.TextChoices):
        SEAT = "seat", "Seat"
        DEPUTYSHIP = "deputyship", "Deputyship"
        SECTION = "section", "Run-book section"
        DEFINITION = "definition", "Definition"
        RACI_ROW = "raci_row", "RACI row"
        RITUAL = "ritual", "Ritual"
        ACTION_ITEM = "action_item", "Action item"

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    object_id = models.CharField(max_length=40)
    label = models.CharField(max_length=300)
    detail = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=300, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["handover_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "kind", "object_id"],
                                    name="handover_item_once_per_handover"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"


class Departure(models.Model):
    """A person recorded as leaving on a date. Until then the app keeps the hand-over
    drafted; on the day the daily job hands over to ``successor`` or, with none, leaves
    their seats vacant for their deputies (else the RevOps seat) to cover. One open
    departure per person, held by the database."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="departures")
    leaves_on = models.DateField()
    successor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    handover = models.OneToOneField(Handover, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="departure")
    problem = models.CharField(max_length=300, blank=True,
                               help_text="Why the day's hand-over could not happen.")

    class Meta:
        ordering = ["leaves_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(done_at__isnull=True, cancelled_at__isnull=True),
                name="departure_one_open_per_person"),
        ]

    def __str__(self):
        return f"{self.person} leaves on {self.leaves_on}"

    @property
    def is_open(self):
        return self.done_at is None and self.cancelled_at is None


class ModelImport(models.Model):
    """A model file too large to import within a request (``model_file.BACKGROUND_IMPORT_BYTES``),
    kept here until a worker has imported it. The import itself is the same
    all-or-nothing ``model_file.import_model`` as a small file's, run as the lead who
    sent it, through the door it came by; ``errors`` holds what its 400 (or 409, 403)
    would have said, and ``summary`` the counts of its 201. The file is dropped once the
    import is done either way."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    DONE = (Status.SUCCEEDED, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    document = models.BinaryField(null=True, blank=True,
                                  help_text="The file as sent, until the import is done.")
    size = models.PositiveBigIntegerField(help_text="The file's size in bytes.")
    replace = models.BooleanField(default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    door = models.CharField(max_length=10)
    errors = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]),
                name="model_import_status_known"),
        ]

    def __str__(self):
        return f"Model import {self.pk} ({self.status})"
