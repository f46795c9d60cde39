from django.urls import path

from raci import views

app_name = "raci"

urlpatterns = [
    path("", views.index, name="index"),
]
