from django.urls import path

from overview import setup_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("readiness/", views.readiness, name="readiness"),
    path("start/", views.start, name="start"),
    path("people/<str:username>/", views.person, name="person"),
    path("people/<str:username>/handover/", views.handover, name="handover"),
    path("people/<str:username>/departure/", views.departure, name="departure"),
    path("handover/inbox/", views.handover_inbox, name="handover_inbox"),
    path("handover/inbox/<int:pk>/accept/", views.handover_accept, name="handover_accept"),
    path("handover/", views.pack_html, name="handover_pack"),
    path("handover.md", views.pack_markdown, name="handover_markdown"),
    path("setup/", setup_views.setup, name="setup"),
    path("search/", views.search_page, name="search"),
    path("maturity/", views.maturity_page, name="maturity"),
    path("archive/", views.archive_page, name="archive"),
    path("settings/", views.settings_page, name="settings"),
]
