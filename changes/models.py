"""Change control: proposals to change a governed item, what the Consulted said about
them, and who acknowledged the version a change made.

A proposal names its item by kind and id (``kind`` is the item's model name in its own
app: a section, a definition, a RACI row or a ritual) rather than by a foreign key: the
items live in the apps below, which change control reaches only through their
selectors and services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from revops.constraints import register
from revops.models import Door, Function


class Kind(models.TextChoices):
    SECTION = "section", "Section"
    DEFINITION = "definition", "Definition"
    ROW = "row", "RACI row"
    RITUAL = "ritual", "Ritual"


class State(models.TextChoices):
    OPEN = "open", "Open"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"
    APPLIED = "applied", "Applied"


class Proposal(models.Model):
    """A change to one governed item, waiting for (or past) its approver's decision.

    ``base`` holds the item's fields as they were when the proposal was written on top
    of ``base_version`` (the diff is between ``base`` and ``fields``); when the item has
    moved on since, the proposal is out of date and must be rebased before it applies.
    """

    kind = models.CharField(max_length=12, choices=Kind.choices)
    item_id = models.PositiveIntegerField()
    item_label = models.CharField(max_length=200)
    layer = models.CharField(max_length=20, blank=True)
    base_version = models.CharField(max_length=64)
    base = models.JSONField(default=dict)
    fields = models.JSONField(default=dict)
    reason = models.TextField()
    effective_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                 related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    door = models.CharField(max_length=10, choices=Door.choices)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_version = models.CharField(max_length=64, blank=True)
    meaningful = models.BooleanField(
        default=True, help_text="Whether the change altered meaning (rules.alters_meaning): "
        "only such a change asks the layer to acknowledge again.")
    reverts = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="reverted_by")
    decision = models.CharField(
        max_length=200, blank=True,
        help_text="The ritual decision this proposal was opened from, as it was named.")

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["kind", "item_id"]),
                   models.Index(fields=["state", "effective_on"])]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="changes_proposal_has_reason"),
        ]

    def __str__(self):
        return f"Proposal {self.pk} on {self.item_label}"

    def covers(self, obj):
        """Whether ``obj`` is the item this proposal changes (``revops.governance``)."""
        return obj._meta.model_name == self.kind and obj.pk == self.item_id


class Comment(models.Model):
    """What a Consulted function's head (or anyone reading) said about a proposal; an
    objection is shown to the approver and does not block."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    function = models.ForeignKey(Function, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", help_text="The Consulted function spoken for.")
    body = models.TextField()
    objection = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)
    door = models.CharField(max_length=10, choices=Door.choices)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{'Objection' if self.objection else 'Comment'} on proposal {self.proposal_id}"


class Acknowledgement(models.Model):
    """Someone in the R, A or C of an item's layer read the version a change made."""

    kind = models.CharField(max_length=12, choices=Kind.choices)
    item_id = models.PositiveIntegerField()
    version = models.CharField(max_length=64)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    at = models.DateTimeField(default=timezone.now)
    door = models.CharField(max_length=10, choices=Door.choices)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "item_id", "version", "person"],
                                    name="changes_acknowledged_once"),
        ]

    def __str__(self):
        return f"{self.person} read {self.kind} {self.item_id} v{self.version}"


register({
    "changes_proposal_has_reason": "reason: say why the change is needed.",
    "changes_acknowledged_once": "You have already acknowledged this version.",
})
