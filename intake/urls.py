from django.urls import path

from . import views

urlpatterns = [
    path("operations/<slug:code>/import/", views.import_page, name="findings_import"),
    path("operations/<slug:code>/workspace/bulk/", views.bulk_paste, name="bulk_paste"),
]
