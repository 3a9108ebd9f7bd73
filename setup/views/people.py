"""An operation's participants (the import, with its preview) and people (memberships, sign-up links)."""

import base64
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from operations import services
from operations.models import Agency, Membership
from spreadsheets.reading import ImportRejected
from spreadsheets.writing import csv_response

from .. import people
from ..forms import FileForm, MemberForm, MembershipChangeForm
from ..participants import COLUMNS, participants_check, participants_import
from .common import managed_operation, problems_of, set_up_operation, site_url

# The file of a preview waits in the session for its confirmation; a larger one is for the API.
PREVIEW_MAX_BYTES = 5 * 1024 * 1024


def _session_key(operation) -> str:
    return f"setup-participants:{operation.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def participants(request, code):
    """Upload → preview (what would change, or every problem with its line) → import, all or nothing."""
    operation = set_up_operation(request, code)
    context = {"operation": operation, "columns": list(COLUMNS), "form": FileForm()}
    action = request.POST.get("action", "")
    status = 200
    if action == "preview":
        form = FileForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                context["plan"] = participants_check(user=request.user, operation=operation, data=data,
                                                     filename=upload.name or "")
            except ImportRejected as exc:
                context["rejected"], status = exc, 400
            except ValidationError as exc:
                context["refused"], status = " ".join(problems_of(exc)), 400
            else:
                if len(data) > PREVIEW_MAX_BYTES:
                    context["refused"] = "This file is too large to wait for a confirmation: import it through the API."
                else:
                    request.session[_session_key(operation)] = {
                        "name": upload.name or "", "data": base64.b64encode(data).decode(),
                        "sha256": hashlib.sha256(data).hexdigest()}
        else:
            status = 400
    elif action == "import":
        kept = request.session.get(_session_key(operation))
        if not kept or kept["sha256"] != request.POST.get("sha256"):
            messages.error(request, "The file of that preview is no longer here: choose it again.")
            return redirect("setup_participants", code=code)
        try:
            plan = participants_import(user=request.user, operation=operation,
                                       data=base64.b64decode(kept["data"]), filename=kept["name"],
                                       expected_sha256=kept["sha256"])
        except ImportRejected as exc:
            context["rejected"], status = exc, 400
        except ValidationError as exc:
            context["refused"], status = " ".join(problems_of(exc)), 400
        else:
            request.session.pop(_session_key(operation), None)
            counts = plan.counts()
            messages.success(request, f"Imported: {counts['agencies']} agencies and {counts['people']} people read, "
                                      f"{counts['changes']} changes saved. Next: send the sign-up links.")
            return redirect("setup_people", code=code)
    elif action == "experts":
        return _experts(request, operation)
    elif action:
        raise Http404("No such action.")
    context["rows"] = _participations(operation)
    return render(request, "setup/participants.html", context, status=status)


def _participations(operation):
    accounts = {}
    for agency_id in operation.memberships.values_list("agency_id", flat=True):
        accounts[agency_id] = accounts.get(agency_id, 0) + 1
    return [(p, accounts.get(p.agency_id, 0))
            for p in operation.participations.select_related("agency").order_by("agency__country", "agency__name")]


def _experts(request, operation):
    agency = Agency.objects.filter(pk=request.POST.get("agency") or 0, participations__operation=operation).first()
    experts = request.POST.get("experts", "")
    if agency is None or not experts.isdigit():
        messages.error(request, "Give the number of experts of an agency of the operation (0 or more).")
    else:
        try:
            services.participation_set(by=request.user, operation=operation, agency=agency, experts=int(experts))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(problems_of(exc)))
        else:
            messages.success(request, f"{agency}: {experts} experts.")
    return redirect("setup_participants", code=operation.code)


@login_required
@require_http_methods(["GET", "POST"])
def people_page(request, code):
    """Members with their role, team and agency, whether they have signed up; add one."""
    operation = managed_operation(request, code)
    form = MemberForm(request.POST or None, operation=operation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            people.member_add(by=request.user, operation=operation, email=data["email"], name=data["name"],
                              role=data["role"], team=data["team"], agency=data["agency"])
        except ValidationError as exc:
            for name, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]):
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"{data['email']} is a member now. Send them a sign-up link if they are new.")
            return redirect("setup_people", code=code)
    persons = people.people_of(operation)
    return render(request, "setup/people.html", {
        "operation": operation, "form": form, "people": persons, "change_form": MembershipChangeForm(),
        "pending": sum(1 for p in persons if not p.signed_up),
    }, status=400 if form.errors else 200)


def _membership(operation, pk) -> Membership:
    membership = operation.memberships.select_related("user", "operation").filter(pk=pk).first()
    if membership is None:
        raise Http404("No such member.")
    return membership


@login_required
@require_POST
def member_change(request, code, pk):
    operation = managed_operation(request, code)
    membership = _membership(operation, pk)
    try:
        if request.POST.get("remove") == "1":
            services.membership_remove(by=request.user, membership=membership)
            messages.success(request, f"{membership.user.get_username()} is no longer a member; their access ended.")
        else:
            form = MembershipChangeForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.membership_add(by=request.user, operation=operation, user=membership.user,
                                    role=form.cleaned_data["role"], team=form.cleaned_data["team"],
                                    agency=membership.agency)
            messages.success(request, f"{membership.user.get_username()}: {form.cleaned_data['role']} of team "
                                      f"{form.cleaned_data['team']} from their next page on.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(problems_of(exc)))
    return redirect("setup_people", code=code)


@login_required
@require_POST
def links_send(request, code):
    """E-mail new sign-up links: to one member (``member``), or to everyone who has not signed up."""
    operation = managed_operation(request, code)
    users = None
    if request.POST.get("member"):
        users = [_membership(operation, request.POST["member"]).user]
    try:
        delivery = people.links_send(by=request.user, operation=operation, site_url=site_url(request), users=users)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(problems_of(exc)))
    else:
        # The mails left when the service's transaction committed.
        if delivery.failed:
            messages.error(request, f"{len(delivery.failed)} of {len(delivery.links)} mails could not be sent "
                                    f"({delivery.error}); download the list of links instead.")
        else:
            whom = "1 person" if len(delivery.sent) == 1 else f"{len(delivery.sent)} people"
            messages.success(request, f"Sign-up links e-mailed to {whom}; earlier links no longer work.")
    return redirect("setup_people", code=code)


LINK_COLUMNS = [
    ("name", lambda r: r[0].user.get_full_name()), ("email", lambda r: r[0].user.email),
    ("username", lambda r: r[0].user.get_username()), ("role", lambda r: r[0].role), ("team", lambda r: r[0].team),
    ("agency", lambda r: r[0].agency.name if r[0].agency else ""), ("sign_up_link", lambda r: r[1].url),
    ("valid_until_utc", lambda r: r[1].expires_at.strftime("%Y-%m-%d %H:%M")),
]


@login_required
@require_POST
def links_download(request, code):
    """New links for everyone who has not signed up, as CSV for the agencies' own secure channels."""
    operation = managed_operation(request, code)
    try:
        rows = people.links_list(by=request.user, operation=operation, site_url=site_url(request))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(problems_of(exc)))
        return redirect("setup_people", code=code)
    return csv_response(LINK_COLUMNS, [rows], filename=f"actionday-{operation.code}-sign-up-links.csv")
