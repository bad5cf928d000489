from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from . import views
from .api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", views.healthz, name="healthz"),
    path("people/", include("people.urls")),
    path("cases/", include("casework.urls")),
    path("today/", include("duties.urls")),
    path("supervision/", include("supervision.urls")),
    path("risk/", include("risk.urls")),
    path("incidents/", include("incidents.urls")),
    path("referrals/", include("referrals.urls")),
    path("conferences/", include("conferences.urls")),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("imports/", include("imports.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("orgs/", include("orgs.urls")),
    path("audit/", include("audit.urls")),
    path("account/", include("accounts.urls")),
    path("api/", api.urls),
    re_path(r"^api/", views.api_not_found),
]

handler404 = "tongxing.views.not_found"
handler403 = "tongxing.views.forbidden"
handler500 = "tongxing.views.server_error"
