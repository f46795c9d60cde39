"""``/api/v1/``: the core's endpoints plus each app's ``api/urls.py``."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from revops.api import views

router = DefaultRouter()
router.register("functions", views.FunctionViewSet, basename="function")
router.register("seats", views.SeatViewSet, basename="seat")
router.register("audit", views.AuditEntryViewSet, basename="audit")
router.register("webhooks", views.WebhookViewSet, basename="webhook")
router.register("channels", views.ChannelViewSet, basename="channel")

urlpatterns = [
    path("", include("runbook.api.urls")),
    path("", include("raci.api.urls")),
    path("", include("cadence.api.urls")),
    path("", include("changes.api.urls")),
    path("", include("insights.api.urls")),
    path("", include("overview.api.urls")),
    path("", include(router.urls)),
]
