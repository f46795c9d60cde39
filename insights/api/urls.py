from django.urls import path

from insights.api import views

urlpatterns = [
    path("metrics/", views.MetricListView.as_view(), name="api-metrics"),
    path("metrics/values/", views.BulkValuesView.as_view(), name="api-metric-values"),
    path("metrics/<slug:slug>/values/<str:period>/", views.ValueView.as_view(),
         name="api-metric-value"),
    path("scorecard/", views.ScorecardView.as_view(), name="api-scorecard"),
]
