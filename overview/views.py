"""Pages that read the model as a whole: the dashboard and the Friday test."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from overview.dashboard import panels as dashboard_panels
from overview.readiness import report as readiness_report


@login_required
def dashboard(request):
    today = timezone.localdate()
    return render(
        request,
        "overview/dashboard.html",
        {"panels": dashboard_panels(user=request.user, today=today), "today": today},
    )


@login_required
def readiness(request):
    report = readiness_report(today=timezone.localdate())
    return render(request, "overview/readiness.html", {"report": report})
