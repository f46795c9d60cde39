from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from revops import passwords, sso, views
from revops.admin import site as console

# The console is our own AdminSite (SimpleAdminConfig), so discovery is explicit.
admin.autodiscover()

handler404 = "revops.views.page_not_found"
handler500 = "revops.views.server_error"

# Our own page around Swagger UI: its styles come from static/, as the CSP allows no
# inline style.
api_docs = SpectacularSwaggerSplitView.as_view(url_name="schema",
                                               template_name="revops/api_docs.html")

urlpatterns = [
    path("accounts/login/", sso.SignIn.as_view(), name="login"),
    path("accounts/logout/", sso.SignOut.as_view(), name="logout"),
    # The names mozilla-django-oidc reverses; both answer 404 while OIDC_ISSUER is unset.
    path("accounts/sso/start/", sso.SignInStart.as_view(), name="oidc_authentication_init"),
    path("accounts/sso/callback/", sso.SignInCallback.as_view(),
         name="oidc_authentication_callback"),
    path("accounts/sso/invitation/<uidb64>/<token>/", sso.AcceptInvitation.as_view(),
         name="sso_invitation"),
    path("accounts/password_reset/", passwords.PasswordReset.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", passwords.PasswordResetDone.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", passwords.PasswordResetConfirm.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", passwords.PasswordResetComplete.as_view(),
         name="password_reset_complete"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/tokens/", views.api_tokens, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("seats/", views.seats_page, name="seats"),
    path("seats/<slug:slug>/", views.seat_edit, name="seat-edit"),
    path("channels/", views.channels, name="channels"),
    path("channels/<int:pk>/", views.channel_edit, name="channel-edit"),
    path("channels/<int:pk>/delete/", views.channel_delete, name="channel-delete"),
    path("audit/", views.audit_trail, name="audit"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("runbook/", include("runbook.urls")),
    path("definitions/", include("runbook.definition_urls")),
    path("raci/", include("raci.urls")),
    path("cadence/", include("cadence.urls")),
    path("changes/", include("changes.urls")),
    path("scorecard/", include("insights.urls")),
    path("", include("overview.urls")),
    path("admin/", console.urls),
    path("api/v1/", include("revops.api.urls")),
    path("scim/v2/", include("scim.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", login_required(api_docs), name="api-docs"),
]
