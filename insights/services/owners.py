"""Who answers for a metric, as the policy asks it of the row."""

from insights.models import Metric
from raci import selectors as raci_selectors
from revops import policy
from revops.models import Layer


def with_owner(metrics):
    """``metrics`` with ``owning_function_id`` set: the owner, else the insights layer's
    Accountable in the current RACI (None when the RACI names none: leads only)."""
    accountable = raci_selectors.layer_accountables().get(Layer.INSIGHTS)
    for metric in metrics:
        metric.owning_function_id = metric.owner_id or accountable
    return metrics


def locked_for_change(actor, metric):
    """The metric re-read under its row lock once ``actor`` may change it as it is now."""
    return policy.locked_for_change(
        actor, metric,
        lock=lambda m: with_owner([Metric.objects.select_for_update().get(pk=m.pk)])[0])
