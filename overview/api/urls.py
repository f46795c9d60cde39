from django.urls import path

from overview.api import views

urlpatterns = [
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
]
