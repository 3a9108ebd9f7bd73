"""What every page of an operation needs: the member's seat at it (one 404 for "no such operation"
and "not yours"), htmx-aware login, refusals.

Shared by the pages of every app above this one. No access rule lives here: reads go through
``visible_to``, writes through the services, which raise PermissionDenied themselves.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

from .access import may_log_in, membership_by_code
from .models import Membership, Operation


@dataclass
class Desk:
    """One user at one operation: what they are and whether they may log."""

    operation: Operation
    membership: Membership
    can_log: bool

    @property
    def team(self) -> str:
        return self.membership.team

    @property
    def is_coordinator(self) -> bool:
        return self.membership.role == Membership.Role.COORDINATOR

    @property
    def is_prosecutor(self) -> bool:
        return self.membership.role == Membership.Role.PROSECUTOR

    @property
    def read_only_reason(self) -> str:
        if self.operation.is_read_only:
            return f"Operation {self.operation.code} is {self.operation.get_status_display().lower()}: it is read-only."
        if self.is_prosecutor:
            return "Prosecutors read the cases shared with them; they do not log findings."
        return ""


def desk_for(request, code: str) -> Desk:
    """The user's membership in the operation ``code``; 404 alike for "no such operation" and "not yours"."""
    membership = membership_by_code(request.user, code)
    if membership is None:
        raise Http404("No such operation.")
    return Desk(
        operation=membership.operation,
        membership=membership,
        can_log=may_log_in(request.user, membership.operation),
    )


def login_required_keep_form(view):
    """``login_required`` that also serves htmx requests.

    An htmx post after the session expired would otherwise swap the login page into the form.
    Instead the whole tab goes to the login page, and comes back to the page the form was on;
    what was typed is still in the tab's sessionStorage (static/js/workspace.js) and is put back.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx:
            back_to = request.htmx.current_url_abs_path or request.get_full_path()
            return HttpResponseClientRedirect(redirect_to_login(back_to).url)
        return redirect_to_login(request.get_full_path())

    return wrapper


def refuse(request, desk: Desk | None, message: str, status: int = 403):
    """A write that is not allowed: say why, keep the page around it."""
    template = "operations/_refused.html" if request.htmx else "operations/refused.html"
    return render(request, template, {"desk": desk, "operation": desk and desk.operation, "message": message},
                  status=status)


def error_messages(exc) -> list[str]:
    """The readable messages of a ValidationError or PermissionDenied."""
    messages = getattr(exc, "messages", None)
    if messages:
        return list(messages)
    return [str(exc) or "Not allowed."]
