"""The events the scorecard emits, registered with the core in ``InsightsConfig.ready()``."""

from revops.channels import Item
from revops.registry import Event


def _off_track(payload):
    return Item(f"“{payload.get('name') or payload.get('metric')}” has been off track since "
                f"{payload.get('since')} (latest {payload.get('latest')}, value "
                f"{payload.get('value')} against a target of {payload.get('target')})",
                "/scorecard/")


EVENTS = [
    Event("metric.value_recorded", "Metric value recorded"),
    Event("metric.target_set", "Metric target set"),
    Event("metric.off_track", "Metric off track two periods running", channels=True,
          describe=_off_track),
    Event("metric.back_on_track", "Metric back on track"),
]
