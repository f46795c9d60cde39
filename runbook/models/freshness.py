"""The daily freshness snapshot the charts read (one per day)."""

from django.db import models
from django.utils import timezone


class FreshnessSnapshot(models.Model):
    """How many sections were fresh, due, stale and never reviewed on a day, across every
    run book: recorded by the daily scan (one row per day; a second scan that day updates
    it), so that the run book's freshness can be charted over months."""

    day = models.DateField(unique=True)
    fresh = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    stale = models.PositiveIntegerField(default=0)
    never = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return (f"{self.day:%Y-%m-%d}: {self.fresh} fresh, {self.due} due, "
                f"{self.stale} stale, {self.never} never")
