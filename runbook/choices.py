"""The run books' words as fixed choices: the six section kinds, the review states and
the layers a definition belongs to. No database here, so rules, selectors and the apps
above can name them without reaching for the tables."""

from django.db import models


class SectionKind(models.TextChoices):
    """The six sections of every run book, in document order."""

    STRATEGY = "strategy", "Strategy and planning"
    PROCESS = "process", "Process and workflow"
    SYSTEMS = "systems", "Systems and data"
    INSIGHTS = "insights", "Insights and analytics"
    CADENCE = "cadence", "Cadence"
    PLAYBOOKS = "playbooks", "Incident playbooks"

    @classmethod
    def position_of(cls, kind):
        return cls.values.index(kind)


class ReviewState(models.TextChoices):
    FRESH = "fresh", "Fresh"
    DUE = "due", "Due"
    STALE = "stale", "Stale"
    NEVER = "never", "Never reviewed"


class Layer(models.TextChoices):
    """The four layers of the operating model a definition belongs to."""

    STRATEGY = SectionKind.STRATEGY.value, SectionKind.STRATEGY.label
    PROCESS = SectionKind.PROCESS.value, SectionKind.PROCESS.label
    SYSTEMS = SectionKind.SYSTEMS.value, SectionKind.SYSTEMS.label
    INSIGHTS = SectionKind.INSIGHTS.value, SectionKind.INSIGHTS.label
