"""/setup/: a RevOps lead bootstraps a complete model for the company's motion."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from cadence.choices import Horizon
from overview import bootstrap
from overview.readiness import report as readiness_report
from overview.setup_forms import SetupForm
from revops import policy
from revops.errors import Conflict
from revops.http import form_errors
from revops.models import Door, Layer

# What to do first after bootstrapping, by readiness check left open: the step, and
# the name of the page that does it.
FIRST_STEPS = {
    "runbook_fresh": ("Read each run-book section, replace the TODO prompts with your own "
                      "answers and mark it reviewed.", "Open the run book"),
    "sections_owned": ("Name a head for each function, so every section has someone to "
                       "review it.", "Open the functions"),
    "raci_signed_off": ("Ask each function head to sign off the RACI for their function.",
                        "Open the RACI"),
    "rituals_held": ("Hold this week's rituals and record each one.", "Open the cadence"),
    "refresh_held": ("Hold the first operating-model refresh this quarter.",
                     "Open the cadence"),
    "maturity_assessed": ("Score the four maturity pillars for this quarter, ideally at "
                          "the operating-model refresh.", "Open maturity"),
}


def _next_steps(report):
    steps = []
    for check in report.gaps:
        message, link = FIRST_STEPS.get(check.code, (check.message, "Fix this"))
        steps.append({"message": message, "url": check.fix_url, "link": link})
    return steps


def _labelled(counts, choices):
    """``{"daily": 4}`` → ``[("Daily", 4)]`` in the choices' order."""
    return [(label, counts[value]) for value, label in choices if value in counts]


@login_required
def setup(request):
    policy.require_administer(request.user)
    existing = bootstrap.existing_model()
    form = SetupForm(request.POST or None, show_replace=bool(existing))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # A model already here is this page's own answer: its form offers to replace it.
            try:
                with form_errors(form):
                    outcome = bootstrap.bootstrap(
                        motion=form.cleaned_data["motion"], actor=request.user, door=Door.UI,
                        replace=form.cleaned_data.get("replace", False),
                        fiscal_year_start_month=form.cleaned_data["fiscal_year_start_month"],
                        invite=form.invite())
                    report = readiness_report(today=timezone.localdate())
                    summary = outcome.summary()
                    return render(request, "overview/setup_done.html", {
                        "summary": summary, "report": report,
                        "next_steps": _next_steps(report),
                        "rows_per_layer": _labelled(summary["raci"]["rows_per_layer"],
                                                    Layer.choices),
                        "rituals_per_horizon": _labelled(summary["rituals"], Horizon.choices)},
                        status=201 if outcome.created else 200)
            except Conflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
        if status == 200:
            status = 400
    return render(request, "overview/setup.html",
                  {"form": form, "existing": existing}, status=status)
