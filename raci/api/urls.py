from django.urls import path
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import SimpleRouter

from raci.api import views

router = SimpleRouter()
router.register("raci/matrices", views.MatrixViewSet, basename="raci-matrix")
router.register("raci/rows", views.RowViewSet, basename="raci-row")

urlpatterns = [
    path("raci/matrices/<int:pk>/export.csv",
         views.MatrixViewSet.as_view({"get": "export_csv"},
                                     renderer_classes=[views.CSVRenderer, JSONRenderer]),
         name="raci-matrix-export-csv"),
    *router.urls,
]
