"""What the set-up pages share: the operation behind the gate (one 404 for "no such operation" and "not
yours"), and the address people reach the site by, for the links in mails."""

from django.http import Http404

from operations.models import Operation


def managed_operation(request, code) -> Operation:
    """An operation whose people and status the user manages (administrators, its coordinators)."""
    operation = Operation.objects.managed_by(request.user).select_related("lead_agency").filter(code=code).first()
    if operation is None:
        raise Http404("No such operation.")
    return operation


def set_up_operation(request, code) -> Operation:
    """An operation the user sets up (participants, focus tags): administrators, its lead coordinator."""
    operation = Operation.objects.set_up_by(request.user).select_related("lead_agency").filter(code=code).first()
    if operation is None:
        raise Http404("No such operation.")
    return operation


def site_url(request) -> str:
    return request.build_absolute_uri("/")


def problems_of(exc) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(getattr(exc, "messages", None) or [str(exc)])
