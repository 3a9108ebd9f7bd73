"""The API: resources under /api/v1/, the OpenAPI schema, Swagger UI and ReDoc (served from our
own static files by drf-spectacular-sidecar; no outside host).

A resource is one line in RESOURCES; a view outside the router one line in EXTRA_PATHS. Base them on
``api.base.ApiViewSet`` / ``ApiView``: one transaction per write, the Idempotency-Key, the error
shape and its documentation (``api.schema``) come with it.
"""

import functools
from pathlib import Path

import drf_spectacular_sidecar
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import include, path, re_path, reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.base import not_found
from api.tokens import TokenView
from evidence.api import CaptureViewSet, EvidenceViewSet
from findings.api import (
    CaseViewSet,
    IndicatorViewSet,
    LocationViewSet,
    SocialAccountViewSet,
    SuspectViewSet,
    UrlViewSet,
    VictimViewSet,
)
from hits.api import HitViewSet
from intake.api import ImportView
from operations.api import AgencyViewSet, OperationViewSet
from oversight.api import AuditEventViewSet
from partners.api import (
    CaseMispView,
    CaseStixView,
    OperationMispView,
    OperationStixView,
    WatchListImportView,
    WatchListViewSet,
)
from platforms.api import PlatformCheckViewSet, PlatformViewSet
from reports.api import HeadlineView, PressParagraphView, ReportViewSet, StatisticsView
from setup.api import (
    CatalogueImportView,
    FocusTagViewSet,
    MembershipViewSet,
    ParticipantsImportView,
    SignUpLinksView,
)

app_name = "api"

RESOURCES = [
    ("operations", OperationViewSet, "operation"),
    ("agencies", AgencyViewSet, "agency"),
    ("platforms", PlatformViewSet, "platform"),
    ("platform-checks", PlatformCheckViewSet, "platform-check"),
    ("cases", CaseViewSet, "case"),
    ("suspects", SuspectViewSet, "suspect"),
    ("victims", VictimViewSet, "victim"),
    ("urls", UrlViewSet, "url"),
    ("social-accounts", SocialAccountViewSet, "social-account"),
    ("locations", LocationViewSet, "location"),
    ("evidence", EvidenceViewSet, "evidence"),
    ("captures", CaptureViewSet, "capture"),
    ("indicators", IndicatorViewSet, "indicator"),
    ("hits", HitViewSet, "hit"),
    ("reports", ReportViewSet, "report"),
    ("audit-events", AuditEventViewSet, "audit-event"),
    ("memberships", MembershipViewSet, "membership"),
    ("focus-tags", FocusTagViewSet, "focus-tag"),
    ("watch-lists", WatchListViewSet, "watch-list"),
]

EXTRA_PATHS = [
    path("v1/token/", TokenView.as_view(), name="token"),
    path("v1/operations/<int:pk>/statistics/", StatisticsView.as_view(), name="operation-statistics"),
    path("v1/operations/<int:pk>/headline/", HeadlineView.as_view(), name="operation-headline"),
    path("v1/operations/<int:pk>/press-paragraph/", PressParagraphView.as_view(), name="operation-press-paragraph"),
    path("v1/operations/<int:pk>/import/", ImportView.as_view(), name="operation-import-file"),
    path("v1/operations/<int:pk>/participants/", ParticipantsImportView.as_view(), name="operation-participants"),
    path("v1/operations/<int:pk>/sign-up-links/", SignUpLinksView.as_view(), name="operation-sign-up-links"),
    path("v1/platform-catalogue/import/", CatalogueImportView.as_view(), name="platform-catalogue-import"),
    path("v1/cases/<int:pk>/stix/", CaseStixView.as_view(), name="case-stix"),
    path("v1/cases/<int:pk>/misp/", CaseMispView.as_view(), name="case-misp"),
    path("v1/operations/<int:pk>/stix/", OperationStixView.as_view(), name="operation-stix"),
    path("v1/operations/<int:pk>/misp/", OperationMispView.as_view(), name="operation-misp"),
    path("v1/operations/<int:pk>/watch-lists/", WatchListImportView.as_view(), name="operation-watch-lists"),
]


class Router(DefaultRouter):
    include_format_suffixes = False  # one URL per resource: /cases/, not also /cases.json


router = Router()
for prefix, viewset, basename in RESOURCES:
    router.register(prefix, viewset, basename=basename)


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


# ReDoc's bundle shows its vendor's logo from the vendor's host, under a link to the vendor's site.
# We serve the bundle with both pointing nowhere (the image then hides itself), and hide the credit.
_REDOC_BUNDLE = Path(drf_spectacular_sidecar.__file__).parent / "static/drf_spectacular_sidecar/redoc/bundles"
_REDOC_OUTSIDE = [
    (b'src:"https://cdn.redoc.ly/redoc/logo-mini.svg"', b'src:"data:,"'),
    (b'href:"https://redocly.com/redoc/"', b'href:"#redoc-credit"'),
]


@functools.cache
def _redoc_standalone() -> bytes:
    bundle = (_REDOC_BUNDLE / "redoc.standalone.js").read_bytes()
    for outside, inside in _REDOC_OUTSIDE:
        if outside not in bundle:  # a new sidecar version: look again before serving it
            raise ImproperlyConfigured("drf-spectacular-sidecar's ReDoc changed: check _REDOC_OUTSIDE")
        bundle = bundle.replace(outside, inside)
    return bundle


def redoc_bundle(request):
    response = HttpResponse(_redoc_standalone(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"
    url_name = "api:schema"

    @staticmethod
    def _redoc_standalone():
        return reverse("api:redoc-bundle")

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# ReDoc writes its styles into the page at run time (styled-components), draws icons as data: images
# and searches in a blob: worker: the site's policy (SECURE_CSP) relaxed for this one page, and only
# for styles, images and the worker — still no inline script and nothing from another host.
REDOC_CSP = settings.SECURE_CSP | {
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "worker-src": [CSP.SELF, "blob:"],
}
# Swagger UI draws its icons as data: images; the rest of the site's policy holds.
SWAGGER_CSP = settings.SECURE_CSP | {"img-src": [CSP.SELF, "data:"]}


urlpatterns = [
    path("v1/", include(router.urls)),
    *EXTRA_PATHS,
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The documentation pages are for people: send them to the login page rather than answer 401.
    path("docs/", login_required(csp_override(SWAGGER_CSP)(SwaggerView.as_view())), name="docs"),
    path("redoc/", login_required(csp_override(REDOC_CSP)(RedocView.as_view())), name="redoc"),
    path("redoc/redoc.standalone.js", redoc_bundle, name="redoc-bundle"),
    # Last: any other address under /api/ gets the API's 404 — a line break (%0A) in it too.
    re_path(r"^[\s\S]*$", not_found),
]
