from django.urls import path

from . import views

urlpatterns = [
    path("operations/<slug:code>/findings/<str:kind>/<int:pk>/evidence/", views.evidence_upload,
         name="evidence_upload"),
    path("operations/<slug:code>/evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
]
