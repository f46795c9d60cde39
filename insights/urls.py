from django.urls import path

from insights import views

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("import/", views.import_values, name="scorecard-import"),
    path("off-track/<int:pk>/note/", views.off_track_note, name="off-track-note"),
    path("occurrences/<int:pk>/values/", views.occurrence_values, name="occurrence-values"),
]
