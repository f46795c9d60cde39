"""The browser UI of the cadence. Views refuse early what the service would refuse
(the policy's guards), call one service and render; the rules live in rules, services
and selectors. Refusals and conflicts are answered once for every page
(``revops.middleware.ErrorPageMiddleware``), a service's validation errors on its form
(``revops.http.form_errors``)."""

import calendar
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cadence import adherence, ical, rules, selectors, services
from cadence.forms import RecordForm, RitualForm, ScheduleForm, initial_for
from cadence.models import FeedToken, Occurrence, Status
from revops import fiscal, policy, registry
from revops.http import form_errors
from revops.models import Door

PREVIEW_COUNT = 5


def _viewer_tz():
    return timezone.get_current_timezone()


@login_required
def index(request):
    now = timezone.now()
    groups = selectors.rows_by_horizon(now=now)
    return render(request, "cadence/index.html", {
        "groups": groups,
        "has_rituals": any(rows for _, _, rows in groups),
        "findings": selectors.lint(),
        "adherence": adherence.side_by_side(now=now),
        "can_create": policy.can_create_owned(request.user),
        "now": now,
    })


@login_required
def ritual_detail(request, pk):
    ritual = get_object_or_404(selectors.rituals(), pk=pk)
    now = timezone.now()
    history = list(selectors.occurrences(ritual=ritual, end=now).order_by("-scheduled_for")[:8])
    upcoming = list(selectors.occurrences(ritual=ritual, start=now)[:PREVIEW_COUNT])
    reader = _viewer_tz()
    return render(request, "cadence/ritual.html", {
        "ritual": ritual, "history": history,
        # An archived ritual is read-only: its services refuse, so no button offers.
        "can_change": ritual.archived_at is None and policy.can_change(request.user, ritual),
        # Each time in the ritual's zone, and in the reader's too where it reads otherwise.
        "upcoming": [(o, _wall_clock(o.scheduled_for, ritual.tz)
                      != _wall_clock(o.scheduled_for, reader)) for o in upcoming],
    })


def _wall_clock(moment, zone):
    return moment.astimezone(zone).replace(tzinfo=None)


def _save_ritual(request, form, ritual=None):
    """Validate the form, call the service; returns the ritual or None (form has errors)."""
    if not form.is_valid():
        form.schedule_rule()
        return None
    rule = form.schedule_rule()
    if rule is None:
        return None
    fields = form.service_fields()
    with form_errors(form):
        if ritual is None:
            return services.ritual_create(actor=request.user, door=Door.UI, rrule=rule,
                                          **fields)
        return services.ritual_update(ritual=ritual, actor=request.user, door=Door.UI,
                                      rrule=rule, **fields)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def ritual_create(request):
    policy.require_create_owned(request.user)
    if request.method == "POST":
        form = RitualForm(request.POST, user=request.user)
        ritual = _save_ritual(request, form)
        if ritual is not None:
            messages.success(request, f"“{ritual.name}” is scheduled.")
            return redirect(ritual)
    else:
        horizon = request.GET.get("horizon", rules.WEEKLY)
        form = RitualForm(user=request.user, initial={
            "horizon": horizon if horizon in rules.HORIZONS else rules.WEEKLY,
            "timezone": settings.TIME_ZONE, "at": "09:00", "schedule_mode": "picker",
            "active": True, "reminder_minutes": 60,
        })
    return render(request, "cadence/ritual_form.html", {"form": form, "ritual": None},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def ritual_edit(request, pk):
    ritual = get_object_or_404(selectors.rituals(), pk=pk)
    policy.require_change(request.user, ritual)
    if request.method == "POST":
        form = RitualForm(request.POST, user=request.user)
        saved = _save_ritual(request, form, ritual)
        if saved is not None:
            messages.success(request, f"“{saved.name}” saved.")
            return redirect(saved)
    else:
        form = RitualForm(user=request.user, initial=initial_for(ritual))
    return render(request, "cadence/ritual_form.html", {"form": form, "ritual": ritual},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def schedule_preview(request):
    """htmx: the rule the pickers make and its next five dates, as the user edits."""
    form = ScheduleForm(request.GET)
    context = {"dates": [], "error": None, "rule": None, "text": None}
    if form.is_valid():
        rule = form.schedule_rule()
        if rule is not None:
            try:
                schedule = rules.schedule(
                    horizon=form.cleaned_data["horizon"], rrule=rule,
                    timezone=form.cleaned_data["timezone"], starts_at=timezone.now(),
                    start_month=fiscal.start_month(),
                )
                context.update(
                    rule=schedule.rule, zone=form.cleaned_data["timezone"],
                    text=rules.describe(form.cleaned_data["horizon"], schedule.rule,
                                        fiscal.start_month()),
                    dates=schedule.upcoming(timezone.now(), PREVIEW_COUNT),
                )
            except rules.ScheduleError as exc:
                context["error"] = exc.message
    if context["error"] is None and not context["dates"]:
        context["error"] = "; ".join(m for ms in form.errors.values() for m in ms) or (
            "Complete the schedule to see its next dates.")
    return render(request, "cadence/_preview.html", context)


def _parse_day(value, default):
    try:
        day = date.fromisoformat(value) if value else default
    except ValueError:
        day = default
    return rules.clamp_day(day)


@login_required
def week(request):
    tz = _viewer_tz()
    today = timezone.localdate()
    day = _parse_day(request.GET.get("start"), today)
    monday = day - timedelta(days=day.weekday())
    return render(request, "cadence/week.html", {
        "days": selectors.days_grid(first_day=monday, days=7, tz=tz), "today": today,
        "previous": monday - timedelta(days=7), "next": monday + timedelta(days=7),
        "monday": monday, "sunday": monday + timedelta(days=6), "zone": tz,
        "has_rituals": selectors.has_live_rituals(),
    })


@login_required
def month(request):
    tz = _viewer_tz()
    today = timezone.localdate()
    try:
        first = datetime.strptime(request.GET.get("month", ""), "%Y-%m").date()
    except ValueError:
        first = today.replace(day=1)
    first = rules.clamp_day(first).replace(day=1)
    grid_start = first - timedelta(days=first.weekday())
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    grid_days = (last - grid_start).days + 1
    grid_days += (7 - grid_days % 7) % 7
    days = selectors.days_grid(first_day=grid_start, days=grid_days, tz=tz)
    weeks = [days[i:i + 7] for i in range(0, len(days), 7)]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return render(request, "cadence/month.html", {
        "weeks": weeks, "first": first, "today": today, "previous": previous,
        "next": following, "zone": tz, "has_rituals": selectors.has_live_rituals(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def occurrence_detail(request, pk):
    try:
        occurrence = selectors.occurrence_for_recording(pk)
    except Occurrence.DoesNotExist as exc:
        raise Http404 from exc
    can_record = policy.can_change(request.user, occurrence)
    if request.method == "POST":
        policy.require_change(request.user, occurrence)
        form = RecordForm(request.POST)
        if form.is_valid():
            with form_errors(form):
                services.occurrence_record(
                    occurrence=occurrence, status=form.cleaned_data["status"],
                    notes=form.cleaned_data["notes"],
                    reviewed_sections=list(form.cleaned_data["reviewed_sections"]),
                    actor=request.user, door=Door.UI,
                )
                messages.success(request, "Recorded.")
                return redirect(occurrence)
    else:
        ticked = (occurrence.reviewed_sections.all() if occurrence.is_recorded
                  else services.default_reviewed_sections(occurrence))
        form = RecordForm(initial={
            "status": occurrence.status if occurrence.is_recorded else Status.HELD,
            "notes": occurrence.notes, "reviewed_sections": ticked,
        })
    section_choices = list(zip(form["reviewed_sections"],
                               form.fields["reviewed_sections"].queryset, strict=True))
    return render(request, "cadence/occurrence.html", {
        "occurrence": occurrence, "ritual": occurrence.ritual, "form": form,
        "can_record": can_record, "section_choices": section_choices,
        "more_panels": registry.panels("cadence.occurrence", occurrence=occurrence,
                                       user=request.user),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The all-rituals feed link: make one (shown once), or revoke it."""
    raw = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            for token in FeedToken.objects.filter(user=request.user, revoked_at__isnull=True):
                services.feed_token_revoke(token=token, actor=request.user, door=Door.UI)
            messages.success(request, "Your calendar link is revoked: subscriptions using it "
                                      "stop updating.")
            return redirect("cadence:subscribe")
        _token, raw = services.feed_token_create(user=request.user, actor=request.user,
                                                 door=Door.UI)
    current = FeedToken.objects.filter(user=request.user, revoked_at__isnull=True).first()
    feed_url = (request.build_absolute_uri(reverse("cadence:feed", args=[raw]))
                if raw else None)
    return render(request, "cadence/subscribe.html", {
        "current": current, "feed_url": feed_url, "raw": raw,
    })


def _ics(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def feed(request, token):
    """All rituals, for a calendar app: the token in the URL is the authentication."""
    user = services.feed_token_user(token)
    if user is None or not policy.can_view(user):
        raise Http404("Unknown or revoked calendar link.")
    items, extra = selectors.feed_data()
    body = ical.feed(items, extra, name="RevOps cadence", site_url=settings.REVOPS_SITE_URL)
    return _ics(body, "cadence.ics")
