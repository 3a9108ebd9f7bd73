from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", include("operations.auth_urls")),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("audit/", include("audit.urls")),
    path("", include("findings.import_urls")),
    path("", include("operations.urls")),
    path("", include("findings.urls")),
    path("", include("findings.case_edit_urls")),
    path("operations/<slug:code>/hits/", include("findings.hit_urls")),
    path("", include("platforms.urls")),
    path("", include("reports.urls")),
    path("", include("reports.report_urls")),
]
