"""Cross-border hits: a team's inbox, the coordinators' board, and the two answers."""

from django.urls import path

from . import views as hit_views

app_name = "hits"

urlpatterns = [
    path("", hit_views.inbox, name="inbox"),
    path("board/", hit_views.board, name="board"),
    path("<int:pk>/share/", hit_views.share, name="share"),
    path("<int:pk>/decline/", hit_views.decline, name="decline"),
]
