from django.urls import path

from . import views

app_name = "audit"  # the trail's pages keep the name people know them by: /audit/

urlpatterns = [
    path("", views.trail, name="trail"),
    path("export.csv", views.export, name="export"),
    path("verify/", views.verify, name="verify"),
]
