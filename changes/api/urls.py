from rest_framework.routers import SimpleRouter

from changes.api import views

router = SimpleRouter()
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("changes", views.ChangeLogViewSet, basename="change")

urlpatterns = router.urls
