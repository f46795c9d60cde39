from django.urls import path

from runbook import views

app_name = "runbook"

urlpatterns = [
    path("", views.index, name="index"),
]
