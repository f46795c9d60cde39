"""The model's own health as system metrics, recorded daily for the week that holds
yesterday: from Tuesday to Sunday the week under way, on Monday morning the week just
closed, whose last figure (the state at its end) is the one the scorecard keeps. Each
figure is read through the same selectors the dashboard, the cadence page and the RACI
page read, so the scorecard and those pages never disagree.

"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from cadence import adherence
from changes import selectors as changes_selectors
from insights import rules
from insights.models import Metric
from insights.services.metrics import FROM_THE_START
from insights.services.values import record_checked
from raci import selectors as raci_selectors
from revops import audit
from revops.models import Door, Function
from runbook import selectors as runbook_selectors
from runbook.choices import ReviewState

ADHERENCE_WEEKS = adherence.WINDOWS[0]


def _percent(part, whole):
    return None if not whole else Decimal(100 * part / whole).quantize(Decimal("0.1"))


def figures(*, today):
    """``{key: percent or None}``: None where there is nothing to count yet."""
    states = dict(runbook_selectors.sections_with_state(today=today).order_by()
                  .values_list("review_state").annotate(n=Count("id")))
    out_of_date = states.get(ReviewState.STALE, 0) + states.get(ReviewState.NEVER, 0)
    held = adherence.adherence(weeks=ADHERENCE_WEEKS).total
    matrix = raci_selectors.current_matrix()
    statuses = [s for s in raci_selectors.signoff_status(matrix) if s.expected] if matrix else []
    seats = Function.objects.aggregate(all=Count("id"), deputised=Count("deputy"))
    acknowledged, asked = changes_selectors.acknowledgements_given()
    return {
        "runbook-freshness": _percent(sum(states.values()) - out_of_date, sum(states.values())),
        "ritual-adherence": _percent(held.held, held.recorded),
        "raci-signoff-coverage": _percent(sum(s.signed_current for s in statuses),
                                          len(statuses)),
        "seats-with-deputies": _percent(seats["deputised"], seats["all"]),
        "acknowledged-changes": _percent(acknowledged, asked),
    }


def system_metrics():
    """The system metrics, made with their targets the first time they are asked for."""
    made = {m.system: m for m in Metric.objects.exclude(system="")}
    for position, plan in enumerate(rules.SYSTEM):
        if plan.key in made:
            continue
        metric = Metric.objects.create(slug=plan.key, name=plan.name, layer=plan.layer,
                                       unit=Metric.Unit.PERCENT, system=plan.key,
                                       position=100 + position)
        metric.targets.create(period="", starts=FROM_THE_START, target=plan.target,
                              warning=plan.warning)
        audit.record(actor=None, door=Door.TASK, action="create", obj=metric, changes={
            "system": plan.key, "target": plan.target, "warning": plan.warning})
        made[plan.key] = metric
    return [made[plan.key] for plan in rules.SYSTEM]


@transaction.atomic
def record_system_metrics(*, today=None):
    """Compute the figures and record each for the week that holds yesterday, as the
    system (door task). A figure with nothing to count (no section yet) is left
    missing."""
    today = today or timezone.localdate()
    period = rules.period_of(rules.WEEKLY, today - timedelta(days=1))
    found = figures(today=today)
    checked = [(metric, period, found[metric.system]) for metric in system_metrics()
               if found[metric.system] is not None]
    return record_checked(checked, actor=None, door=Door.TASK)
