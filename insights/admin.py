"""The console's scorecard: leads (and a head, for the metrics their function answers
for) make and change metrics and set targets, through the services; values and
off-track items are read here, written by the API, the ritual's page and the daily job."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from insights import services
from insights.models import Metric, MetricValue, OffTrack
from insights.services.metrics import check_formula
from revops.admin import ConsoleModelAdmin, ReadOnlyAdminMixin, site
from revops.models import Door

FIELDS = ["definition", "slug", "name", "unit", "direction", "period", "owner", "formula"]


class MetricAdminForm(forms.ModelForm):
    target = forms.DecimalField(required=False, max_digits=20, decimal_places=4,
                                help_text="Leave empty to keep the target as it is.")
    warning = forms.DecimalField(required=False, max_digits=20, decimal_places=4, min_value=0,
                                 help_text="The warning band, in the metric's unit.")
    starting = forms.CharField(required=False, max_length=12,
                               help_text="The first period the target applies to, e.g. "
                                         "2026-W49, 2026-12 or FY2027-Q1; empty: every period.")

    class Meta:
        model = Metric
        fields = FIELDS

    def clean(self):
        data = super().clean()
        if data.get("formula") and data.get("period"):
            try:
                check_formula(" ".join(data["formula"].split()), period=data["period"],
                              exclude=self.instance if self.instance.pk else None)
            except ValidationError as problem:
                self.add_error("formula", problem.message_dict["formula"])
        return data


@admin.register(Metric, site=site)
class MetricAdmin(ConsoleModelAdmin):
    form = MetricAdminForm
    list_display = ["name", "slug", "layer", "period", "unit", "owner", "formula", "system"]
    list_filter = ["layer", "period"]
    search_fields = ["name", "slug"]

    def get_readonly_fields(self, request, obj=None):
        return ["definition", "slug", "period"] if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.system)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        target = {"target": data["target"], "warning": data.get("warning") or 0,
                  "period": data.get("starting") or ""}
        if change:
            services.metric_update(metric=obj, actor=request.user, door=Door.CONSOLE, **{
                f: data[f] for f in ["name", "unit", "direction", "owner", "formula"]})
        else:
            made = services.metric_create(
                actor=request.user, door=Door.CONSOLE,
                **{f: data[f] for f in FIELDS if f != "name"}, name=data["name"])
            obj.pk = made.pk
        if data["target"] is not None:
            services.target_set(metric=Metric.objects.get(pk=obj.pk), actor=request.user,
                                door=Door.CONSOLE, **target)


@admin.register(MetricValue, site=site)
class MetricValueAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ["metric", "period", "value", "door", "sent_by_name", "source", "sent_at",
                    "corrections"]
    list_filter = ["metric"]
    list_select_related = ["metric"]

    @admin.display(description="values it replaced")
    def corrections(self, obj):
        return ", ".join(f"{old.value} ({old.sender}, {old.sent_at:%Y-%m-%d})"
                         for old in obj.history.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("history")


@admin.register(OffTrack, site=site)
class OffTrackAdmin(ReadOnlyAdminMixin, ConsoleModelAdmin):
    list_display = ["metric", "since", "latest", "raised_at", "cleared_at", "reason"]
    list_select_related = ["metric"]
