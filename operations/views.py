from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from .access import may_create_operations, membership_by_code
from .countries import country_name
from .models import Membership, Operation


@login_required
def home(request):
    """Send each user to their operation, or let them choose when they have several."""
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("operation").order_by("-operation__starts_at")
    )
    current = [m for m in memberships if not m.operation.is_read_only]
    # A prosecutor's home is the list of the cases shared with them (the reports app's page, by its name).
    if memberships and all(m.role == Membership.Role.PROSECUTOR for m in memberships):
        return redirect("shared_cases")
    if len(current) == 1:
        return redirect("operation_detail", code=current[0].operation.code)
    return render(request, "operations/home.html", {
        "memberships": memberships,
        "may_set_up": may_create_operations(request.user) or Operation.objects.managed_by(request.user).exists(),
    })


@login_required
def operation_detail(request, code):
    membership = membership_by_code(request.user, code)
    if membership is None:  # one answer for "no such operation" and "not yours"
        raise Http404("No such operation.")
    operation = membership.operation
    participations = operation.participations.select_related("agency").order_by("agency__country", "agency__name")
    countries = sorted({p.agency.country for p in participations if p.agency.country})
    accounts = {}
    for agency_id in operation.memberships.values_list("agency_id", flat=True):
        accounts[agency_id] = accounts.get(agency_id, 0) + 1
    context = {
        "agencies": [(p, accounts.get(p.agency_id, 0)) for p in participations],
        "members": sum(accounts.values()),
        "operation": operation,
        "membership": membership,
        "team_name": country_name(membership.team),
        "participations": participations,
        "countries": sorted(country_name(c) for c in countries),
        "experts": sum(p.experts for p in participations),
        "focus_tags": [tag.name for tag in operation.focus_tags.all()],
    }
    return render(request, "operations/operation_detail.html", context)
