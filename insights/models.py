"""The scorecard's tables: metrics, their targets per period, the values each period
received (the current one, and every one it replaced)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from insights import rules
from revops import constraints
from revops.models import Door, Function, Layer


class Metric(models.Model):
    """A number that says whether the model works. Its meaning and formula in words stay
    on its definition; here are its unit, which way is better, how often it is measured,
    and who answers for it (the insights layer's Accountable unless set). A composite
    metric has a ``formula`` over other metrics' names and holds no values of its own; a
    system metric is computed by the app from its own records (``system`` names how)."""

    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        PERCENT = "percent", "%"
        CURRENCY = "currency", "Currency"
        DURATION = "duration", "Days"
        HOURS = "hours", "Hours"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Cadence(models.TextChoices):
        WEEKLY = rules.WEEKLY, "Weekly"
        MONTHLY = rules.MONTHLY, "Monthly"
        QUARTERLY = rules.QUARTERLY, "Quarterly"

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    definition = models.ForeignKey("runbook.Definition", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="metrics")
    layer = models.CharField(max_length=20, choices=Layer.choices, default=Layer.INSIGHTS)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.HIGHER)
    period = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    owner = models.ForeignKey(Function, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="metrics",
                              help_text="Empty: the insights layer's Accountable answers.")
    formula = models.CharField(max_length=rules.MAX_FORMULA_CHARS, blank=True)
    system = models.CharField(max_length=30, blank=True, editable=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["layer", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(system="") | Q(definition__isnull=False),
                name="insights_metric_on_a_definition"),
            models.UniqueConstraint(fields=["system"], condition=~Q(system=""),
                                    name="insights_metric_system_once"),
        ]

    def __str__(self):
        return self.name

    @property
    def higher_is_better(self):
        return self.direction == self.Direction.HIGHER

    @property
    def variable(self):
        return rules.variable(self.slug)


class Target(models.Model):
    """The target and warning band from one period on, until a later target replaces it.
    The band is in the metric's unit, on the bad side of the target."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="targets")
    period = models.CharField(max_length=10)
    starts = models.DateField()
    target = models.DecimalField(max_digits=20, decimal_places=4)
    warning = models.DecimalField(max_digits=20, decimal_places=4, default=0)

    class Meta:
        ordering = ["metric_id", "-starts"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "starts"], name="insights_target_once"),
            models.CheckConstraint(condition=Q(warning__gte=0),
                                   name="insights_target_band_positive"),
        ]

    def __str__(self):
        return f"{self.metric} from {self.period}: {self.target}"


class Sender(models.Model):
    """Who or what sent a value, and when: shared by the current value and its history."""

    value = models.DecimalField(max_digits=20, decimal_places=4)
    door = models.CharField(max_length=10, choices=Door.choices)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_by_name = models.CharField(max_length=150, blank=True)
    source = models.CharField(max_length=80, blank=True,
                              help_text="The system that sent it, e.g. a warehouse job.")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def sender(self):
        who = self.sent_by_name or "the app"
        return f"{who} via {self.source}" if self.source else who


class MetricValue(Sender):
    """A metric's value for one period: one per period, replaced by a correction."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="values")
    period = models.CharField(max_length=10)
    starts = models.DateField()

    class Meta:
        ordering = ["metric_id", "starts"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "period"], name="insights_value_once"),
        ]
        indexes = [models.Index(fields=["metric", "starts"])]

    def __str__(self):
        return f"{self.metric} {self.period}: {self.value}"


class ReplacedValue(Sender):
    """A value a correction replaced, kept with who sent it and when it was replaced."""

    current = models.ForeignKey(MetricValue, on_delete=models.CASCADE, related_name="history")
    replaced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["current_id", "-replaced_at", "-id"]

    def __str__(self):
        return f"{self.current} (was {self.value})"


class OffTrack(models.Model):
    """A metric off track two periods running: an item for its owner until the metric
    recovers or the owner notes a reason. ``since`` is the first period of the run, so
    a noted run is not raised again while it lasts."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="off_track")
    since = models.CharField(max_length=10)
    latest = models.CharField(max_length=10)
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    noted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "since"],
                                    name="insights_off_track_once_per_run"),
            models.UniqueConstraint(fields=["metric"], condition=Q(cleared_at__isnull=True),
                                    name="insights_off_track_one_open"),
        ]

    def __str__(self):
        return f"{self.metric} off track since {self.since}"

    @property
    def is_open(self):
        return self.cleared_at is None


constraints.register({
    "insights_metric_on_a_definition": "definition: a metric stands on a definition.",
    "insights_metric_system_once": "system: the app keeps one metric of each system kind.",
    "insights_target_once": "period: the metric has a target from this period already.",
    "insights_target_band_positive": "warning: the warning band is zero or more.",
    "insights_value_once": "period: the metric has a value for this period already; "
                           "send it again to correct it.",
    "insights_off_track_once_per_run": "since: this off-track run is already raised.",
    "insights_off_track_one_open": "metric: the metric has an open off-track item already.",
})
