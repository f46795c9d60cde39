"""/setup/: a RevOps lead bootstraps a complete model for the company's motion."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone

from overview import bootstrap
from overview.readiness import report as readiness_report
from overview.setup_forms import SetupForm
from revops.errors import Conflict
from revops.http import add_service_errors, require_administer
from revops.models import Door

# What to do first after bootstrapping, by readiness check left open.
FIRST_STEPS = {
    "sections_owned": "Name a head for each function (the console's Functions page), so "
                      "every section has someone to review it.",
    "runbook_fresh": "Read each run-book section, replace the TODO prompts with your own "
                     "answers and mark it reviewed.",
    "raci_signed_off": "Ask each function head to sign off the RACI for their function.",
    "rituals_held": "Hold this week's rituals and record each one on the Cadence page.",
    "refresh_held": "Hold the first operating-model refresh this quarter.",
}


def _next_steps(report):
    return [{"message": FIRST_STEPS.get(c.code, c.message), "url": c.fix_url}
            for c in report.gaps]


@login_required
def setup(request):
    require_administer(request)
    existing = bootstrap.existing_model()
    form = SetupForm(request.POST or None, show_replace=bool(existing))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                outcome = bootstrap.bootstrap(
                    motion=form.cleaned_data["motion"], actor=request.user, door=Door.UI,
                    replace=form.cleaned_data.get("replace", False),
                    fiscal_year_start_month=form.cleaned_data["fiscal_year_start_month"],
                    invite=form.invite())
            except ValidationError as error:
                add_service_errors(form, error)
            except Conflict as conflict:
                form.add_error(None, str(conflict))
                status = 409
            else:
                report = readiness_report(today=timezone.localdate())
                return render(request, "overview/setup_done.html", {
                    "summary": outcome.summary(), "report": report,
                    "next_steps": _next_steps(report)},
                    status=201 if outcome.created else 200)
        if status == 200:
            status = 400
    return render(request, "overview/setup.html",
                  {"form": form, "existing": existing}, status=status)
