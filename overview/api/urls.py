from django.urls import path

from overview.api import views

urlpatterns = [
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
    path("people/<str:username>/holdings/", views.HoldingsView.as_view(), name="api-holdings"),
    path("people/<str:username>/handover/", views.HandoverView.as_view(), name="api-handover"),
]
