"""The coordinators' dashboard of an operation, and its PDF reports."""

from django.urls import path

from .views import dashboard, pdfs, press, shared_cases

DASHBOARD = "operations/<slug:code>/dashboard"
REPORTS = "operations/<slug:code>/reports"
REPORT = f"{REPORTS}/<uuid:report_id>"

urlpatterns = [
    path("cases/shared/", shared_cases.shared_cases, name="shared_cases"),
    path(f"{DASHBOARD}/", dashboard.dashboard, name="dashboard"),
    path(f"{DASHBOARD}/live/", dashboard.dashboard_live, name="dashboard_live"),
    path(f"{DASHBOARD}/activity/", dashboard.dashboard_activity, name="dashboard_activity"),
    path(f"{DASHBOARD}/recompute/", dashboard.dashboard_recompute, name="dashboard_recompute"),
    path(f"{DASHBOARD}/headline/", dashboard.dashboard_headline, name="dashboard_headline"),
    path(f"{DASHBOARD}/press/draft/", press.press_draft, name="press_draft"),
    path(f"{DASHBOARD}/press/", press.press_edit, name="press_edit"),
    path(f"{DASHBOARD}/press.txt", press.press_text, name="press_text"),
    path(f"{REPORTS}/", pdfs.report_list, name="report_list"),
    path(f"{REPORTS}/request/", pdfs.report_request, name="report_request"),
    path(f"{REPORTS}/case-file/<str:reference>/", pdfs.report_case_file, name="report_case_file"),
    path(f"{REPORT}/", pdfs.report_row, name="report_row"),
    path(f"{REPORT}/retry/", pdfs.report_retry, name="report_retry"),
    path(f"{REPORT}/download/", pdfs.report_download, name="report_download"),
]
