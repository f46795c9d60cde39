"""Reads of what the model as a whole keeps of its own, shared by pages and endpoints."""

from overview.models import MaturityAssessment
from revops import fiscal


def assessments():
    """Maturity assessments, newest quarter first, with who recorded each and the refresh
    it was tied to joined: one query whatever their number."""
    return (MaturityAssessment.objects
            .select_related("recorded_by", "occurrence", "occurrence__ritual")
            .order_by("-quarter_start"))


def assessment_for(quarter):
    """The assessment of ``quarter`` (a ``FiscalQuarter``), or None."""
    return assessments().filter(quarter_start=quarter.start).first()


def recent_assessment(*, today):
    """The assessment of this fiscal quarter or, failing that, of the last one; or None.
    The readiness report asks for one of the two."""
    this = fiscal.quarter_index(today)
    since = fiscal.quarter_start(this - 1)
    return assessments().filter(quarter_start__gte=since, quarter_start__lte=today).first()
