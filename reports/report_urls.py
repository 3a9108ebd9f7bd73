"""Pages for PDF reports (reports/report_views.py); the dashboard's are in reports/urls.py."""

from django.urls import path

from . import report_views as views

REPORT = "operations/<slug:code>/reports/<uuid:report_id>"

urlpatterns = [
    path("operations/<slug:code>/reports/", views.report_list, name="report_list"),
    path("operations/<slug:code>/reports/request/", views.report_request, name="report_request"),
    path("operations/<slug:code>/reports/case-file/<str:reference>/", views.report_case_file, name="report_case_file"),
    path(f"{REPORT}/", views.report_row, name="report_row"),
    path(f"{REPORT}/retry/", views.report_retry, name="report_retry"),
    path(f"{REPORT}/download/", views.report_download, name="report_download"),
]
