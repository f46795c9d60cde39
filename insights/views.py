"""``/scorecard/``: the metrics by layer, each with its last 13 periods against its
target and a trend; an owner notes why a metric is off track."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cadence import selectors as cadence_selectors
from insights import charts, csv_io, panels, selectors, services
from insights.forms import ImportForm, OffTrackNoteForm
from insights.models import OffTrack
from insights.services.owners import with_owner
from revops import policy
from revops.errors import LineErrors
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
        "can_import": policy.can_create_owned(request.user),
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


@login_required
@require_POST
def occurrence_values(request, pk):
    """The values entered on an insights ritual's occurrence page (``panels``), for the
    period it reviews: all or nothing; an empty input leaves its metric as it is."""
    try:
        occurrence = cadence_selectors.occurrence_for_recording(pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    reviewed = panels.reviewed_period(occurrence)
    if reviewed is None:
        raise Http404
    _, period = reviewed
    lines = [{"metric": name.removeprefix("value-"), "period": period.key,
              "value": raw.strip()}
             for name, raw in request.POST.items() if name.startswith("value-") and raw.strip()]
    try:
        counts = services.values_record_many(
            lines=lines, actor=request.user, door=Door.UI,
            source=f"{occurrence.ritual.name}, {timezone.localdate(occurrence.scheduled_for)}")
    except LineErrors as refused:
        for message in refused.messages:
            messages.error(request, f"Nothing was saved. {message}")
    else:
        messages.success(request, f"Values for {period.key}: {counts['created']} new, "
                                  f"{counts['updated']} corrected, {counts['unchanged']} "
                                  f"unchanged.")
    return redirect(reverse("cadence:occurrence", args=[pk]) + "#metrics")


@login_required
@require_http_methods(["GET", "POST"])
def import_values(request):
    """``/scorecard/import/``: a CSV file of values, previewed line by line (new,
    correction, unchanged) before anything is written; then imported all or nothing."""
    policy.require_create_owned(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        raw = (request.FILES["file"].read() if "file" in request.FILES
               else form.cleaned_data["csv_text"].encode())
        name = request.FILES["file"].name if "file" in request.FILES else form.cleaned_data["name"]
        try:
            lines = csv_io.read(raw)
            if "import" in request.POST:
                counts = services.values_record_many(lines=lines, actor=request.user,
                                                     door=Door.UI, source=f"CSV {name}"[:80])
                messages.success(request, f"Imported: {counts['created']} new, "
                                          f"{counts['updated']} corrected, "
                                          f"{counts['unchanged']} unchanged.")
                return redirect("scorecard")
            context.update(preview=services.values_preview(lines=lines, actor=request.user),
                           csv_text=raw.decode("utf-8-sig"), name=name)
        except LineErrors as refused:
            context["line_errors"] = refused.bad_lines()
        except ValidationError as problem:
            form.add_error(None, problem.message_dict.get("file", problem.messages))
    return render(request, "insights/import.html", context,
                  status=400 if form.errors or "line_errors" in context else 200)
