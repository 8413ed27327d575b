"""Every URL of the project. tests/test_permission_matrix.py fails for a pattern it has no entry for."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from rankandfile.api import api
from rankandfile.org import account_views
from rankandfile.org import views as org_views
from rankandfile.org.auth import RequestResetView, ResetPasswordForm

urlpatterns = [
    path("", org_views.home, name="home"),
    path("accounts/login/", account_views.EmailLoginView.as_view(), name="login"),
    path("accounts/two-factor/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/recovery-codes/", account_views.recovery_codes_renew, name="recovery_codes"),
    path(
        "accounts/password_reset/",
        RequestResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=ResetPasswordForm),
        name="password_reset_confirm",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("audit/", include("rankandfile.audit.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("rankandfile.cases.urls")),
    path("", include("rankandfile.meetings.urls")),
    path("", include("rankandfile.proposals.urls")),
    path("", include("rankandfile.ballots.urls")),
    path("", include("rankandfile.recall.urls")),
    path("", include("rankandfile.org.urls")),
    path("", include("rankandfile.notifications.urls")),
    path("", include("rankandfile.insights.urls")),
    path("", include("rankandfile.bulletin.urls")),
]

handler403 = "rankandfile.errors.permission_denied"
handler404 = "rankandfile.errors.page_not_found"
handler500 = "rankandfile.errors.server_error"
