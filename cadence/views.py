"""The browser UI of the cadence. Views refuse early what the service would refuse
(the policy's guards), call one service and render; the rules live in rules, services
and selectors. Refusals and conflicts are answered once for every page
(``revops.middleware.ErrorPageMiddleware``), a service's validation errors on its form
(``revops.http.form_errors``)."""

import calendar
import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from cadence import adherence, charts, ical, rollup, rules, selectors, services
from cadence.forms import (
    ActionFormSet,
    DecisionFormSet,
    DropForm,
    OutcomeForm,
    RecordForm,
    RitualForm,
    ScheduleForm,
    initial_for,
    link_choices,
)
from cadence.models import ActionItem, FeedToken, Occurrence, Ritual, Status
from revops import fiscal, policy, registry
from revops.http import form_errors
from revops.models import Door

PREVIEW_COUNT = 5


def _viewer_tz():
    return timezone.get_current_timezone()


@login_required
def index(request):
    now = timezone.now()
    groups, page = selectors.rows_by_horizon(now=now, page=request.GET.get("page", ""))
    return render(request, "cadence/index.html", {
        "groups": groups,
        "page": page,
        "has_rituals": page.paginator.count > 0,
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
    actions_total, actions_by_owner = rollup.for_ritual(ritual, today=timezone.localdate())
    governed = ritual.archived_at is None and registry.panels(
        "item.governed", item=ritual, user=request.user)
    return render(request, "cadence/ritual.html", {
        "ritual": ritual, "history": history,
        "actions_total": actions_total, "actions_by_owner": actions_by_owner,
        "rating_chart": charts.rating_chart(ritual, rollup.ratings(ritual)),
        # Change control's panel: a governed ritual is changed through a proposal.
        "governed": governed[0] if governed else None,
        # The agenda leads with what the next meeting inherits.
        **_carried_context(request, upcoming[0] if upcoming else None,
                           ritual.get_absolute_url()),
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
    governed = registry.panels("item.governed", item=ritual, user=request.user)
    if governed and request.method == "GET":
        # A governed ritual's edit form is the proposal form.
        return redirect(governed[0]["propose_url"])
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


ITEM_KEY = re.compile(r"^(decisions|actions)\[(\d+)\]\.(\w+)$")


@contextmanager
def _record_errors(form, outcome, formsets):
    """A ``ValidationError`` of the record service onto the forms: ``actions[1].due``
    onto the second filled-in action row's ``due``, ``present`` and ``rating`` onto the
    outcome, the rest onto the record form (``form_errors``)."""
    try:
        yield
    except ValidationError as error:
        found = (error.error_dict.items() if hasattr(error, "error_dict")
                 else [(None, error.error_list)])
        for key, errors in found:
            words = [m for e in errors for m in e.messages]
            match = ITEM_KEY.match(key or "")
            if match and int(match[2]) < len(formsets[match[1]]):
                row = formsets[match[1]][int(match[2])]
                row.add_error(match[3] if match[3] in row.fields else None, words)
            elif key in outcome.fields:
                outcome.add_error(key, words)
            else:
                form.add_error(key if key in form.fields else None, words)


def _rows_posted(data, prefix):
    """The posted rows of a formset, or None when the post has none (a form that records
    the status and notes alone, as before outcomes existed)."""
    return data if data is not None and f"{prefix}-TOTAL_FORMS" in data else None


def _filled(formset):
    return [f for f in formset.forms if f.has_changed()] if formset.is_bound else []


@login_required
@require_http_methods(["GET", "POST"])
def occurrence_detail(request, pk):
    try:
        occurrence = selectors.occurrence_for_recording(pk)
    except Occurrence.DoesNotExist as exc:
        raise Http404 from exc
    ritual = occurrence.ritual
    can_record = policy.can_change(request.user, occurrence)
    data = request.POST if request.method == "POST" else None
    if data is not None:
        policy.require_change(request.user, occurrence)
    outcome_kwargs = {"ritual": ritual}
    decision_kwargs = {"ritual": ritual,
                       "link_choices": link_choices(ritual) if can_record else []}
    outcome = OutcomeForm(data, **outcome_kwargs, initial={
        "present": [a.function for a in occurrence.attendance.all()],
        "rating": occurrence.rating})
    decisions = DecisionFormSet(_rows_posted(data, "decisions"), prefix="decisions",
                                form_kwargs=decision_kwargs)
    actions = ActionFormSet(_rows_posted(data, "actions"), prefix="actions")
    if data is not None:
        form = RecordForm(data)
        if all(f.is_valid() for f in (form, outcome)) and all(
                fs.is_valid() for fs in (decisions, actions) if fs.is_bound):
            filled = {"decisions": _filled(decisions), "actions": _filled(actions)}
            with _record_errors(form, outcome, filled):
                services.occurrence_record(
                    occurrence=occurrence, status=form.cleaned_data["status"],
                    notes=form.cleaned_data["notes"],
                    reviewed_sections=list(form.cleaned_data["reviewed_sections"]),
                    present=list(outcome.cleaned_data["present"]),
                    rating=outcome.cleaned_data["rating"],
                    decisions=[f.cleaned_data for f in filled["decisions"]],
                    actions=[f.cleaned_data for f in filled["actions"]],
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
    invalid = any(x.errors for x in (form, outcome)) or any(
        f.errors for fs in (decisions, actions) for f in fs) or bool(
        decisions.non_form_errors() or actions.non_form_errors())
    return render(request, "cadence/occurrence.html", {
        "occurrence": occurrence, "ritual": ritual, "form": form, "outcome": outcome,
        "decision_forms": decisions, "action_forms": actions,
        "can_record": can_record, "section_choices": section_choices,
        **_carried_context(request, occurrence, occurrence.get_absolute_url()),
        "more_panels": registry.panels("cadence.occurrence", occurrence=occurrence,
                                       user=request.user),
    }, status=400 if invalid else 200)


def _carried_context(request, occurrence, back):
    """What ``cadence/_carried.html`` shows: the open action items ``occurrence``
    inherits (none without one) and which of them the reader may close."""
    today = timezone.localdate()
    carried = (selectors.carried_actions(occurrence, today=today) if occurrence is not None
               else selectors.Carried([], today))
    return {"carried": carried, "today": today, "back": back,
            "settle": {a.pk for a in carried.items if policy.can_settle(request.user, a)}}


@login_required
@require_GET
def ritual_now(request, pk):
    """What the recurring calendar event links: the occurrence of the moment."""
    ritual = get_object_or_404(Ritual, pk=pk)
    occurrence = selectors.occurrence_of_the_moment(ritual, now=timezone.now())
    return redirect(occurrence or ritual)


def _back(request, item):
    """Where a closed action item's page goes back to: the page it was closed from, if
    it is one of ours, else the occurrence that left it."""
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return item.occurrence.get_absolute_url()


@login_required
@require_http_methods(["POST"])
def action_done(request, pk):
    item = get_object_or_404(ActionItem.objects.select_related("ritual", "occurrence"), pk=pk)
    policy.require_settle(request.user, item)
    services.action_complete(action=item, actor=request.user, door=Door.UI)
    messages.success(request, f"Done: {item.text[:80]}")
    return redirect(_back(request, item))


@login_required
@require_http_methods(["POST"])
def action_drop(request, pk):
    item = get_object_or_404(ActionItem.objects.select_related("ritual", "occurrence"), pk=pk)
    policy.require_settle(request.user, item)
    form = DropForm(request.POST)
    with form_errors(form):
        if form.is_valid():
            services.action_drop(action=item, reason=form.cleaned_data["reason"],
                                 actor=request.user, door=Door.UI)
            messages.success(request, f"Dropped: {item.text[:80]}")
            return redirect(_back(request, item))
    messages.error(request, "Say why the action item is dropped.")
    return redirect(_back(request, item))


@login_required
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """The all-rituals feed link: make one (shown once), or revoke it."""
    raw = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_tokens_revoke(
                tokens=FeedToken.objects.filter(user=request.user, revoked_at__isnull=True),
                actor=request.user, door=Door.UI)
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
