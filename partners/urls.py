from django.urls import path

from . import views

urlpatterns = [
    path("operations/<slug:code>/partners/", views.partners_page, name="partners"),
    path("operations/<slug:code>/partners/watch-lists/<int:pk>/remove/", views.watch_list_remove,
         name="watch_list_remove"),
]
