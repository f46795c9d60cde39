"""What the model as a whole keeps of its own: the Monday briefs it has sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone


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
