from django.urls import path

from . import import_views

urlpatterns = [
    path("operations/<slug:code>/import/", import_views.import_page, name="findings_import"),
]
