"""``/scorecard/``: the metrics by layer, each with its last 13 periods against its
target and a trend; an owner notes why a metric is off track."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from insights import charts, selectors, services
from insights.forms import OffTrackNoteForm
from insights.models import OffTrack
from insights.services.owners import with_owner
from revops import policy
from revops.http import form_errors
from revops.models import Door


@login_required
def scorecard(request):
    groups = selectors.scorecard(today=timezone.localdate())
    for group in groups:
        for row in group.rows:
            row.chart = charts.trend(row)
            row.can_note = (row.open_item is not None
                            and policy.can_change(request.user, row.metric))
    return render(request, "insights/scorecard.html", {
        "groups": groups, "periods": selectors.DEFAULT_PERIODS,
        "note_form": OffTrackNoteForm()})


@login_required
@require_POST
def off_track_note(request, pk):
    item = get_object_or_404(OffTrack.objects.select_related("metric"), pk=pk)
    with_owner([item.metric])
    policy.require_change(request.user, item.metric)
    form = OffTrackNoteForm(request.POST)
    if form.is_valid():
        with form_errors(form):
            services.off_track_note(item=item, reason=form.cleaned_data["reason"],
                                    actor=request.user, door=Door.UI)
            messages.success(request, f"Reason noted: “{item.metric}” is no longer raised "
                                      f"for this run.")
            return redirect("scorecard")
    for error in form.errors.get("reason", []):
        messages.error(request, f"Nothing was noted: {error}")
    return redirect("scorecard")
