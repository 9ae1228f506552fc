from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("ICT development plans")
admin.site.site_title = _("ictplan")
admin.site.index_title = _("Data administration")

accounts = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True,
            extra_context={"password_reset_by_email": settings.PASSWORD_RESET_BY_EMAIL},
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
# Without mail (a closed network) there is no reset by e-mail: an administrator sets a new
# password in data administration.
if settings.PASSWORD_RESET_BY_EMAIL:
    accounts += [
        path(
            "accounts/password/reset/",
            auth_views.PasswordResetView.as_view(),
            name="password_reset",
        ),
        path(
            "accounts/password/reset/sent/",
            auth_views.PasswordResetDoneView.as_view(),
            name="password_reset_done",
        ),
        path(
            "accounts/password/reset/<uidb64>/<token>/",
            auth_views.PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            "accounts/password/reset/done/",
            auth_views.PasswordResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
    ]

urlpatterns = [
    path("admin/", admin.site.urls),
    *accounts,
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("plans.urls")),
    path("", include("indicators.urls")),
    path("", include("budgets.urls")),
]
