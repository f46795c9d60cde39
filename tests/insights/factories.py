"""Metrics made through the services, as the app makes them."""

from insights import services
from revops.models import Door, Function
from tests.runbook.factories import make_definition

VELOCITY_PARTS = [
    ("opportunities", "count", "higher"),
    ("average-deal-size", "currency", "higher"),
    ("win-rate", "percent", "higher"),
    ("sales-cycle-length", "duration", "lower"),
]
VELOCITY = "opportunities * average_deal_size * win_rate / 100 / sales_cycle_length"


def make_metric(slug="win-rate", *, unit="percent", direction="higher", period="weekly",
                owner=None, formula="", target=None, warning=0, starting=None, actor=None):
    """A metric on a definition of its own (layer insights, owned by RevOps)."""
    definition = make_definition(slug.replace("-", " ").capitalize(), owner="revops",
                                 agreeing=(), layer="insights")
    return services.metric_create(
        definition=definition, unit=unit, direction=direction, period=period,
        owner=Function.objects.get(slug=owner) if owner else None, formula=formula,
        target=target, warning=warning, starting=starting, actor=actor, door=Door.CLI)


def make_velocity(period="weekly"):
    """Pipeline velocity and its four parts: ``(velocity, {slug: part})``."""
    parts = {slug: make_metric(slug, unit=unit, direction=direction, period=period)
             for slug, unit, direction in VELOCITY_PARTS}
    velocity = make_metric("pipeline-velocity", unit="currency", period=period,
                           formula=VELOCITY)
    return velocity, parts


def send(metric, period, value, *, actor=None, door=Door.API, source=""):
    """Record one value; returns what happened to it (created, updated, unchanged)."""
    return services.value_record(metric=metric, period=period, value=value, actor=actor,
                                 door=door, source=source)[1]
