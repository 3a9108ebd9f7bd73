from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("operations/<slug:code>/dashboard/", views.dashboard, name="dashboard"),
    path("operations/<slug:code>/dashboard/live/", views.dashboard_live, name="dashboard_live"),
    path("operations/<slug:code>/dashboard/activity/", views.dashboard_activity, name="dashboard_activity"),
    path("operations/<slug:code>/dashboard/recompute/", views.dashboard_recompute, name="dashboard_recompute"),
    path("operations/<slug:code>/dashboard/headline/", views.dashboard_headline, name="dashboard_headline"),
]
