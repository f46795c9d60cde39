from django.urls import path

from cadence import views

app_name = "cadence"

urlpatterns = [
    path("", views.index, name="index"),
    path("rituals/new/", views.ritual_create, name="ritual_create"),
    path("rituals/<int:pk>/", views.ritual_detail, name="ritual"),
    path("rituals/<int:pk>/edit/", views.ritual_edit, name="ritual_edit"),
    path("rituals/<int:pk>/now/", views.ritual_now, name="ritual_now"),
    path("schedule-preview/", views.schedule_preview, name="preview"),
    path("week/", views.week, name="week"),
    path("month/", views.month, name="month"),
    path("occurrences/<int:pk>/", views.occurrence_detail, name="occurrence"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("actions/<int:pk>/drop/", views.action_drop, name="action_drop"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
]
