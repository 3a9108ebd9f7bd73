from django.urls import path

from . import case_edit_views

urlpatterns = [
    path("operations/<slug:code>/cases/<str:reference>/edit/", case_edit_views.case_edit, name="case_edit"),
]
