from django.urls import path

from . import downloads, views

KIND = "<str:kind>"

urlpatterns = [
    path("operations/<slug:code>/workspace/", views.workspace, name="workspace"),
    path("operations/<slug:code>/workspace/log/<str:kind>/", views.log_finding, name="finding_log"),
    path("operations/<slug:code>/workspace/bulk/", views.bulk_paste, name="bulk_paste"),
    path(f"operations/<slug:code>/findings/{KIND}/<int:pk>/", views.finding_detail, name="finding_detail"),
    path(f"operations/<slug:code>/findings/{KIND}/<int:pk>/justify/", views.finding_justify, name="finding_justify"),
    path(f"operations/<slug:code>/findings/{KIND}/<int:pk>/actions/", views.finding_actions, name="finding_actions"),
    path(f"operations/<slug:code>/findings/{KIND}/<int:pk>/link/", views.finding_link, name="finding_link"),
    path(f"operations/<slug:code>/findings/{KIND}/<int:pk>/indicator/", views.finding_indicator,
         name="finding_indicator"),
    path(f"operations/<slug:code>/findings/{KIND}/<int:pk>/evidence/", views.evidence_upload, name="evidence_upload"),
    path("operations/<slug:code>/cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("operations/<slug:code>/cases/<str:reference>/share/", views.case_share, name="case_share"),
    path("operations/<slug:code>/evidence/<int:pk>/download/", downloads.evidence_download, name="evidence_download"),
]
