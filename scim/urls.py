from django.urls import path, re_path

from scim import views

urlpatterns = [
    path("", views.endpoint, {"path": ""}, name="scim-root"),
    re_path(r"^(?P<path>.+)$", views.endpoint, name="scim"),
]
