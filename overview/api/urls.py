from django.urls import path

from overview.api import model_views, views

urlpatterns = [
    path("readiness/", views.ReadinessView.as_view(), name="api-readiness"),
    path("lint/", views.LintView.as_view(), name="lint"),
    path("people/<str:username>/holdings/", views.HoldingsView.as_view(), name="api-holdings"),
    path("people/<str:username>/handover/", views.HandoverView.as_view(), name="api-handover"),
    path("people/<str:username>/departure/", views.DepartureView.as_view(),
         name="api-departure"),
    path("handovers/", views.HandoverInboxView.as_view(), name="api-handovers"),
    path("handovers/items/<int:pk>/accept/", views.HandoverItemAcceptView.as_view(),
         name="api-handover-accept"),
    path("search/", views.SearchView.as_view(), name="api-search"),
    path("maturity/", views.MaturityView.as_view(), name="api-maturity"),
    path("settings/", views.SettingsView.as_view(), name="api-settings"),
    path("settings/preview/", views.SettingsPreviewView.as_view(), name="api-settings-preview"),
    path("bootstrap/", model_views.BootstrapView.as_view(), name="bootstrap"),
    path("model/export/", model_views.ExportView.as_view(), name="model-export"),
    path("model/import/", model_views.ImportView.as_view(), name="model-import"),
    path("model/imports/<uuid:pk>/", model_views.ImportStatusView.as_view(),
         name="model-import-status"),
]
