"""``/definitions/``: the glossary lives at the top of the site, beside the run book that
uses it, so its pages have their own namespace (``definitions:``)."""

from django.urls import path

from runbook import definition_views as views

app_name = "definitions"

urlpatterns = [
    path("", views.definitions, name="index"),
    path("new/", views.definition_create, name="create"),
    path("<str:key>/", views.definition_detail, name="detail"),
    path("<str:key>/revise/", views.definition_revise, name="revise"),
    path("<str:key>/review/", views.definition_review, name="review"),
    path("<str:key>/agree/", views.definition_agree, name="agree"),
]
