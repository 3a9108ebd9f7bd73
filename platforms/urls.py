from django.urls import path

from . import views

urlpatterns = [
    path("operations/<slug:code>/platforms/", views.checklist, name="platform_checklist"),
    path("operations/<slug:code>/platforms/plan/", views.check_plan, name="platform_check_plan"),
    path("operations/<slug:code>/platforms/<int:pk>/start/", views.check_start, name="platform_check_start"),
    path("operations/<slug:code>/platforms/<int:pk>/finish/", views.check_finish, name="platform_check_finish"),
]
