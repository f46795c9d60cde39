from django.urls import path

from overview import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("readiness/", views.readiness, name="readiness"),
]
