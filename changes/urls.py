from django.urls import path

from changes import views

app_name = "changes"

urlpatterns = [
    path("", views.change_log, name="log"),
    path("propose/<str:kind>/<int:pk>/", views.propose, name="propose"),
    path("proposals/<int:pk>/", views.proposal, name="proposal"),
    path("proposals/<int:pk>/update/", views.proposal_update, name="update"),
    path("proposals/<int:pk>/approve/", views.proposal_approve, name="approve"),
    path("proposals/<int:pk>/reject/", views.proposal_reject, name="reject"),
    path("proposals/<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
    path("proposals/<int:pk>/comment/", views.proposal_comment, name="comment"),
    path("acknowledge/<str:kind>/<int:pk>/", views.acknowledge, name="acknowledge"),
    path("proposals/<int:pk>/revert/", views.proposal_revert, name="revert"),
]
