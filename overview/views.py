"""Pages that read the model as a whole: the dashboard, the Friday test, a person's
holdings and their hand-over, the hand-over pack and the first-week page."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from insights import selectors as insights_selectors
from overview import archive, departures, lint, maturity, search, selectors, services
from overview import pack as handover_pack
from overview.bootstrap import existing_model
from overview.charts import maturity_chart, quarters_up_to
from overview.dashboard import panels as dashboard_panels
from overview.forms import DepartureForm, HandoverForm, MaturityForm, OrganisationForm
from overview.holdings import holdings_of
from overview.models import HandoverItem
from overview.readiness import report as readiness_report
from overview.start import first_week
from revops import fiscal, organisation, policy
from revops.http import form_errors
from revops.models import Door
from revops.people import name_of
from revops.words import counted


@login_required
def dashboard(request):
    today = timezone.localdate()
    checks = lint.summary()  # once for the page: the cross-checks panel and readiness
    return render(
        request,
        "overview/dashboard.html",
        {"panels": dashboard_panels(user=request.user, today=today, checks=checks),
         "today": today, "report": readiness_report(today=today, checks=checks),
         "no_model": not existing_model(),
         "maturity": selectors.assessments().first()},
    )


@login_required
def readiness(request):
    report = readiness_report(today=timezone.localdate())
    return render(request, "overview/readiness.html", {"report": report})


def _person(request, username):
    person = get_object_or_404(get_user_model(), username=username)
    policy.require_view_holdings_of(request.user, person)
    return person


@login_required
def person(request, username):
    """The departure drill: what this person holds, and (for leads) the hand-over."""
    person = _person(request, username)
    holdings = holdings_of(person, today=timezone.localdate(), now=timezone.now(), page=True)
    can_hand_over = policy.can_administer(request.user)
    departure = departures.open_departure(person)
    return render(request, "overview/person.html", {
        "person": person, "holdings": holdings, "can_hand_over": can_hand_over,
        "form": HandoverForm(person=person) if can_hand_over else None,
        "departure": departure,
        "countdown": departures.countdown(departure, today=timezone.localdate())
        if departure else "",
        "departure_form": DepartureForm(person=person, initial={
            "leaves_on": departure.leaves_on,
            "successor": departure.successor.get_username() if departure.successor else "",
        } if departure else None) if can_hand_over and person.is_active else None,
        "draft": services.handover_plan(person=person, successor=departure.successor,
                                        preview=True)
        if departure and departure.successor else None,
    })


@login_required
@require_POST
def departure(request, username):
    """Record (or change) the day a person leaves; ``cancel`` withdraws it."""
    policy.require_administer(request.user)
    person = _person(request, username)
    if "cancel" in request.POST:
        current = departures.open_departure(person)
        if current is not None:
            departures.departure_cancel(actor=request.user, door=Door.UI, departure=current)
            messages.success(request, f"{name_of(person)} is no longer leaving.")
        return redirect("person", username=username)
    form = DepartureForm(request.POST, person=person)
    if form.is_valid():
        with form_errors(form):
            successor = (services.successor_named(form.cleaned_data["successor"])
                         if form.cleaned_data["successor"] else None)
            recorded = departures.departure_record(
                actor=request.user, door=Door.UI, person=person,
                leaves_on=form.cleaned_data["leaves_on"], successor=successor)
            messages.success(request, f"{name_of(person)} leaves on "
                                      f"{recorded.leaves_on:%-d %B %Y}: the hand-over will "
                                      "happen by itself that day.")
            return redirect("person", username=username)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("person", username=username)


@login_required
def handover_inbox(request):
    """What the signed-in person received in hand-overs, each holding to accept."""
    return render(request, "overview/inbox.html",
                  {"handovers": departures.inbox(request.user)})


@login_required
@require_POST
def handover_accept(request, pk):
    item = get_object_or_404(HandoverItem, pk=pk)
    departures.handover_item_accept(actor=request.user, door=Door.UI, item=item)
    messages.success(request, f"Accepted: {item.label}.")
    return redirect(reverse("handover_inbox") + f"#handover-{item.handover_id}")


@login_required
@require_http_methods(["GET", "POST"])
def handover(request, username):
    """GET previews exactly what would move to the chosen successor; POST does it."""
    policy.require_administer(request.user)
    person = _person(request, username)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = HandoverForm(data, person=person)
    plan = None
    if form.is_valid():
        with form_errors(form):
            successor = services.successor_named(form.cleaned_data["to"])
            if request.method == "POST":
                plan = services.person_hand_over(
                    actor=request.user, door=Door.UI, person=person, successor=successor,
                    deactivate=form.cleaned_data["deactivate"],
                )
                messages.success(request, _done_message(plan))
                return redirect("person", username=successor.get_username())
            plan = services.handover_plan(person=person, successor=successor,
                                          deactivate=form.cleaned_data["deactivate"],
                                          preview=True)
    return render(request, "overview/handover.html",
                  {"person": person, "form": form, "plan": plan},
                  status=400 if form.errors else 200)


def _done_message(plan):
    who = plan.successor.get_full_name() or plan.successor.get_username()
    parts = []
    if plan.functions:
        parts.append(counted(len(plan.functions), "function"))
    if plan.rituals:
        parts.append(counted(len(plan.rituals), "ritual"))
    if plan.actions:
        parts.append(counted(len(plan.actions), "open action item"))
    tokens = len(plan.api_tokens) + len(plan.feed_tokens)
    text = f"Handed over to {who}: " + (", ".join(parts) or "nothing to move") + "."
    if tokens:
        text += f" {counted(tokens, 'token')} revoked."
    if plan.deactivated:
        text += f" {plan.person.get_username()} is deactivated."
    return text


def _release_number(request):
    value = request.GET.get("release", "").strip()
    if not value:
        return None
    if not (value.isdigit() and len(value) < 9):
        raise Http404("A release is named by its number, e.g. ?release=2.")
    return int(value)


def _pack(request):
    today = timezone.localdate()
    return handover_pack.build(today=today, now=timezone.now(),
                               release=_release_number(request),
                               report=readiness_report(today=today),
                               part=request.GET.get("page", ""))


@login_required
def pack_html(request):
    pack = _pack(request)
    releases = list(pack.runbook.releases.order_by("-number")) if pack.runbook else []
    return render(request, "overview/pack.html", {"pack": pack, "releases": releases})


@login_required
def pack_markdown(request):
    pack = _pack(request)
    response = HttpResponse(handover_pack.to_markdown(pack),
                            content_type="text/markdown; charset=utf-8")
    suffix = f"-{pack.release.label}" if pack.release else ""
    response["Content-Disposition"] = f'inline; filename="handover{suffix}.md"'
    return response


@login_required
def start(request):
    today = timezone.localdate()
    steps = first_week(user=request.user, today=today, now=timezone.now(),
                       report=readiness_report(today=today))
    return render(request, "overview/start.html", {"steps": steps})


SEARCH_PAGE_SIZE = 20
SUGGESTIONS = 8
SEARCH_IN = [("", "Everything but releases"),
             *((t, search.TYPE_LABELS[t]) for t in search.TYPES),
             (",".join(search.TYPES), "Everything, releases too")]


@login_required
def search_page(request):
    """``/search/?q=``: the ranked results grouped by type, a page at a time, or "Did you
    mean …?" when nothing matches. The header box asks the same URL through htmx as you
    type and gets the first few alone."""
    params = request.GET
    text, type_ = params.get("q", ""), params.get("type", "")
    include = params.get("include", "")
    suggesting = bool(request.htmx)
    try:
        query = search.parse(q=text, type=type_, include=include)
    except ValidationError as refused:
        query, errors = None, refused.message_dict
    else:
        errors = {}
    context = {"q": text, "type": type_, "type_choices": SEARCH_IN, "query": query,
               "include": include,
               "errors": errors if "q" in params else {}}
    if query is not None:
        today = timezone.localdate()
        matched = search.matches(user=request.user, query=query, today=today)
        page = Paginator(matched, SUGGESTIONS if suggesting else SEARCH_PAGE_SIZE).get_page(
            1 if suggesting else params.get("page"))
        context.update(page=page, count=page.paginator.count, groups=search.grouped(
            search.hits(list(page.object_list), query=query, today=today)),
            suggestion=None if page.paginator.count else search.closest(query=query))
    if suggesting:
        return render(request, "overview/_search_suggestions.html", context)
    return render(request, "overview/search.html", context)


HISTORY_QUARTERS = 8


@login_required
@require_http_methods(["GET", "POST"])
def maturity_page(request):
    """``/maturity/``: this quarter's assessment (or the latest), its constraint pillar
    with that stage's red flags and priority fix, the history as a chart and a table,
    and for leads the form that records or updates this quarter's. The same few queries
    however many quarters were assessed."""
    today = timezone.localdate()
    current = fiscal.fiscal_quarter(today)
    can_assess = policy.can_administer(request.user)
    quarters = quarters_up_to(current, count=HISTORY_QUARTERS)
    history = list(selectors.assessments().filter(quarter_start__gte=quarters[0].start,
                                                  quarter_start__lte=current.start))
    this_quarter = next((a for a in history if a.quarter_start == current.start), None)
    form, status = None, 200
    if request.method == "POST":
        policy.require_administer(request.user)
        form = MaturityForm(request.POST)
        if form.is_valid():
            with form_errors(form):
                _, created = services.maturity_assess(actor=request.user, door=Door.UI,
                                                      today=today, **form.cleaned_data)
                messages.success(request, f"{current} assessment "
                                          f"{'recorded' if created else 'updated'}.")
                return redirect("maturity")
        status = 400
    elif can_assess:
        form = MaturityForm(initial={
            name: getattr(this_quarter, name) for name in services.ASSESSMENT_INPUTS
        } if this_quarter else None)
    shown = this_quarter or (history[0] if history else None)
    evidence = insights_selectors.system_evidence(today=today)
    return render(request, "overview/maturity.html", {
        "evidence": evidence,
        "disagreements": maturity.disagreements(
            {p: getattr(shown, p) for p in maturity.PILLARS},
            [(e.metric.system, e.metric.name, e.value.value, e.status == "off_track")
             for e in evidence]) if shown else [],
        "current": current, "assessment": shown, "this_quarter": this_quarter,
        "stage": shown.stage if shown else None,
        "constraints": [maturity.PILLAR_LABELS[p] for p in shown.constraint_pillars]
        if shown else [],
        "stages": maturity.STAGES, "history": history,
        "chart": maturity_chart(history, quarters=quarters),
        "form": form, "can_assess": can_assess,
    }, status=status)


@login_required
def archive_page(request):
    """``/archive/``: archived models by date, each item linked to its readable page and
    its export."""
    return render(request, "overview/archive.html", {"models": archive.archived_models()})


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    """``/settings/``: the organisation's settings, for RevOps leads. ``Preview`` (a GET
    with the month chosen) lists what a new fiscal start month would change — the sections
    and definitions whose review state moves, the quarterly rituals whose times move —
    and changes nothing; ``Save`` (a POST) applies it."""
    policy.require_administer(request.user)
    today, now = timezone.localdate(), timezone.now()
    chosen = request.POST if request.method == "POST" else (
        request.GET if "fiscal_year_start_month" in request.GET else None)
    form = OrganisationForm(chosen, initial={"fiscal_year_start_month": fiscal.start_month()})
    preview, status = None, 200
    if chosen is not None and not form.is_valid():
        status = 400
    elif request.method == "POST":
        status = 400  # unless the service takes it
        with form_errors(form):
            _, change = services.organisation_update(
                actor=request.user, door=Door.UI, today=today, now=now,
                fiscal_year_start_month=form.cleaned_data["fiscal_year_start_month"])
            messages.success(request, "Nothing changed: the fiscal year already starts then."
                             if change is None else
                             f"The fiscal year now starts in {change.month_after}. "
                             f"{change.summary}.")
            return redirect("settings")
    elif chosen is not None:
        preview = selectors.fiscal_year_change(
            start_month=form.cleaned_data["fiscal_year_start_month"], today=today, now=now)
    return render(request, "overview/settings.html", {
        "form": form, "preview": preview, "saved": organisation.saved(),
        "current_quarter": fiscal.fiscal_quarter(today),
    }, status=status)
