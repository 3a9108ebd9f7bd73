"""Every address of the site, app by app. Each app's pages are in its own urls.py."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from accounts.views import signup

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # Browsers that ignore the page's icon link ask for this one.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", include("accounts.urls")),
    path("signup/<str:token>/", signup, name="signup"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("audit/", include("oversight.urls")),
    path("setup/", include("setup.urls")),
    path("", include("operations.urls")),
    path("", include("platforms.urls")),
    path("", include("findings.urls")),
    path("", include("evidence.urls")),
    path("", include("intake.urls")),
    path("", include("partners.urls")),
    path("operations/<slug:code>/hits/", include("hits.urls")),
    path("", include("reports.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
