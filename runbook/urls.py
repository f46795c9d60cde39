from django.urls import path

from runbook import views

app_name = "runbook"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.runbook_create, name="runbook_create"),
    path("all/", views.runbook_list, name="runbook_list"),
    path("<int:pk>/", views.runbook_detail, name="runbook"),
    path("<int:pk>/export.md", views.export_markdown, name="export_markdown"),
    path("<int:pk>/print/", views.export_print, name="export_print"),
    path("<int:pk>/releases/", views.releases, name="releases"),
    path("<int:pk>/releases/compare/", views.release_compare, name="release_compare"),
    path("<int:pk>/releases/<int:number>/", views.release_detail, name="release"),
    path("<int:pk>/releases/<int:number>/export.md", views.release_markdown,
         name="release_markdown"),
    path("<int:pk>/releases/<int:number>/print/", views.release_print, name="release_print"),
    path("sections/<int:pk>/", views.section_detail, name="section"),
    path("sections/<int:pk>/edit/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/preview/", views.section_preview, name="section_preview"),
    path("sections/<int:pk>/review/", views.section_review, name="section_review"),
    path("sections/<int:pk>/concerns/", views.section_concern, name="section_concern"),
    path("sections/<int:pk>/diff/", views.section_diff, name="section_diff"),
    path("sections/<int:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
]
