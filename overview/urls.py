from django.urls import path

from overview import setup_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("readiness/", views.readiness, name="readiness"),
    path("setup/", setup_views.setup, name="setup"),
]
