from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from revops.dashboard import panels as dashboard_panels


@login_required
def dashboard(request):
    today = timezone.localdate()
    return render(
        request,
        "revops/dashboard.html",
        {"panels": dashboard_panels(user=request.user, today=today), "today": today},
    )
