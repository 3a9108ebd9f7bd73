from django.urls import path

from .views import case_edit, cases, duplicates, records, workspace

KIND = "<str:kind>"
FINDING = f"operations/<slug:code>/findings/{KIND}/<int:pk>"
CASE = "operations/<slug:code>/cases/<str:reference>"

urlpatterns = [
    path("operations/<slug:code>/workspace/", workspace.workspace, name="workspace"),
    path("operations/<slug:code>/workspace/log/<str:kind>/", workspace.log_finding, name="finding_log"),
    path(f"{FINDING}/", records.finding_detail, name="finding_detail"),
    path(f"{FINDING}/justify/", records.finding_justify, name="finding_justify"),
    path(f"{FINDING}/actions/", records.finding_actions, name="finding_actions"),
    path(f"{FINDING}/link/", records.finding_link, name="finding_link"),
    path(f"{FINDING}/indicator/", records.finding_indicator, name="finding_indicator"),
    path(f"{FINDING}/duplicate/", duplicates.duplicate_link, name="finding_duplicate"),
    path("operations/<slug:code>/duplicates/", duplicates.duplicates_page, name="duplicates"),
    path(f"{CASE}/", cases.case_detail, name="case_detail"),
    path(f"{CASE}/share/", cases.case_share, name="case_share"),
    path(f"{CASE}/move/", cases.case_move, name="case_move"),
    path(f"{CASE}/edit/", case_edit.case_edit, name="case_edit"),
]
