from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("operations/<slug:code>/", views.operation_detail, name="operation_detail"),
]
