"""The cadence's words as fixed choices: horizons, purposes and occurrence statuses.
No database here, so selectors and the apps above can name them without reaching for
the tables."""

from django.db import models

from cadence import rules


class Horizon(models.TextChoices):
    DAILY = rules.DAILY, "Daily"
    WEEKLY = rules.WEEKLY, "Weekly"
    MONTHLY = rules.MONTHLY, "Monthly"
    QUARTERLY = rules.QUARTERLY, "Quarterly"


class Purpose(models.TextChoices):
    """What the readiness report looks for by name: the weekly forecast call and the
    quarterly operating-model refresh."""

    OTHER = "", "Other"
    FORECAST = rules.FORECAST, "Forecast call"
    REFRESH = rules.REFRESH, "Operating-model refresh"


class Status(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    SKIPPED = "skipped", "Skipped"
    MISSED = "missed", "Missed"


class ActionState(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"
