from django.urls import path
from rest_framework.routers import SimpleRouter

from cadence.api import views

router = SimpleRouter()
router.register("rituals", views.RitualViewSet, basename="ritual")
router.register("occurrences", views.OccurrenceViewSet, basename="occurrence")
router.register("actions", views.ActionItemViewSet, basename="action")
router.register("decisions", views.DecisionViewSet, basename="decision")

urlpatterns = [
    path("adherence/", views.AdherenceView.as_view(), name="adherence"),
    path("rituals/<int:pk>/calendar.ics", views.RitualCalendarView.as_view(),
         name="ritual-calendar"),
    *router.urls,
]
