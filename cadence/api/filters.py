import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.dateparse import parse_date

from cadence.models import ActionItem, ActionState, Decision, Ritual
from revops.api.filters import IncludeArchivedFilter, StrictBooleanFilter
from revops.models import Function

OVERDUE = "overdue"


class RitualFilter(django_filters.FilterSet):
    """``?horizon=&layer=&active=&owner__slug=&include=``; a value it cannot read is a
    400. The live model's rituals unless ``include=archived``."""

    active = StrictBooleanFilter()
    include = IncludeArchivedFilter()

    class Meta:
        model = Ritual
        fields = ["horizon", "layer", "active", "owner__slug"]


class _DueField(forms.CharField):
    """``overdue``, or an ISO date; anything else is an error naming ``due``."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in ("", OVERDUE):
            return value
        try:
            day = parse_date(value)
        except ValueError:
            day = None
        if day is None:
            raise forms.ValidationError(
                f"Give “{OVERDUE}” or a date (2026-03-01), not {value!r}.", code="invalid")
        return day


class DueFilter(django_filters.Filter):
    """``?due=overdue``: open and past their day; ``?due=2026-03-31``: due by that day."""

    field_class = _DueField

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        if value == OVERDUE:
            return qs.filter(state=ActionState.OPEN, due__lt=timezone.localdate())
        return qs.filter(due__lte=value)


class ActionItemFilter(django_filters.FilterSet):
    """``?owner=<username>&ritual=&state=&due=&include=``; a value it cannot read is a
    400 naming the filter. The live model's action items unless ``include=archived``."""

    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.all(), to_field_name="username")
    ritual = django_filters.ModelChoiceFilter(queryset=Ritual.objects.all())
    state = django_filters.ChoiceFilter(choices=ActionState.choices)
    due = DueFilter(help_text=f"“{OVERDUE}”, or a date: due on or before it.")
    include = IncludeArchivedFilter()

    class Meta:
        model = ActionItem
        fields = ["owner", "ritual", "state", "due", "include"]


class DecisionFilter(django_filters.FilterSet):
    """``?owner=<function slug>&ritual=&state=&include=``: ``state`` is ``revisit``
    (a revisit day is set, not yet raised), ``revisit_due`` (raised) or ``settled``
    (neither)."""

    owner = django_filters.ModelChoiceFilter(queryset=Function.objects.all(),
                                             to_field_name="slug")
    ritual = django_filters.ModelChoiceFilter(queryset=Ritual.objects.all())
    state = django_filters.ChoiceFilter(
        choices=[("revisit", "To revisit"), ("revisit_due", "Revisit raised"),
                 ("settled", "Nothing to revisit")], method="by_state")
    include = IncludeArchivedFilter()

    class Meta:
        model = Decision
        fields = ["owner", "ritual", "state", "include"]

    def by_state(self, queryset, name, value):
        if value == "revisit":
            return queryset.filter(revisit_on__isnull=False, revisit_raised_at__isnull=True)
        if value == "revisit_due":
            return queryset.filter(revisit_raised_at__isnull=False)
        return queryset.filter(revisit_on__isnull=True)
