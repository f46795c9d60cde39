"""Every write to the scorecard. Views, the API, the console and tasks call these; each
asks the policy, writes in one transaction, records the audit entry and queues its
events.

- ``metrics``: a metric made on a definition, changed; its targets per period;
- ``values``: values received, one or many at once (all or nothing), corrections kept;
- ``off_track``: the daily raising and clearing of off-track items, a reason noted;
- ``system``: the model's own health recorded daily as system metrics.
"""

from insights.services.metrics import metric_create, metric_update, target_set
from insights.services.off_track import off_track_note, raise_off_track
from insights.services.system import record_system_metrics
from insights.services.values import value_record, values_preview, values_record_many

__all__ = [
    "metric_create", "metric_update", "off_track_note", "raise_off_track",
    "record_system_metrics", "values_preview", "target_set", "value_record", "values_record_many",
]
