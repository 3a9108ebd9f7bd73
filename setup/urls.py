"""The set-up pages, under /setup/."""

from django.urls import path

from .views import operations, people, reference

OPERATION = "operations/<slug:code>"

urlpatterns = [
    path("", operations.index, name="setup_index"),
    path("operations/new/", operations.operation_new, name="setup_operation_new"),
    path(f"{OPERATION}/", operations.overview, name="setup_overview"),
    path(f"{OPERATION}/status/<str:target>/", operations.status_move, name="setup_status"),
    path(f"{OPERATION}/participants/", people.participants, name="setup_participants"),
    path(f"{OPERATION}/people/", people.people_page, name="setup_people"),
    path(f"{OPERATION}/people/<int:pk>/", people.member_change, name="setup_member"),
    path(f"{OPERATION}/people/links/", people.links_send, name="setup_links_send"),
    path(f"{OPERATION}/people/links.csv", people.links_download, name="setup_links_download"),
    path(f"{OPERATION}/focus-tags/", reference.focus_tags, name="setup_focus_tags"),
    path("platforms/", reference.catalogue, name="setup_catalogue"),
]
