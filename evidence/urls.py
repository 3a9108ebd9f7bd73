from django.urls import path

from . import views

urlpatterns = [
    path("operations/<slug:code>/findings/<str:kind>/<int:pk>/evidence/", views.evidence_upload,
         name="evidence_upload"),
    path("operations/<slug:code>/evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("operations/<slug:code>/findings/<str:kind>/<int:pk>/captures/", views.captures_panel,
         name="captures_panel"),
    path("operations/<slug:code>/findings/<str:kind>/<int:pk>/captures/new/", views.capture_start,
         name="capture_start"),
    path("operations/<slug:code>/captures/<int:pk>/", views.capture_row, name="capture_row"),
    path("operations/<slug:code>/captures/<int:pk>/retry/", views.capture_retry_view, name="capture_retry"),
    path("operations/<slug:code>/captures/<int:pk>/screenshot.png", views.capture_screenshot,
         name="capture_screenshot"),
    path("operations/<slug:code>/platforms/<int:pk>/captures/", views.check_captures, name="check_captures"),
    path("operations/<slug:code>/evidence/verify/", views.evidence_verify, name="evidence_verify"),
]
