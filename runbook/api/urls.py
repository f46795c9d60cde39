from rest_framework.routers import SimpleRouter

from runbook.api import views

router = SimpleRouter()
router.register("runbooks", views.RunbookViewSet, basename="runbook")
router.register("sections", views.SectionViewSet, basename="section")
router.register("definitions", views.DefinitionViewSet, basename="definition")

urlpatterns = router.urls
