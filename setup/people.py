"""The people of an operation: who is in it, who has signed up, their sign-up links; adding one person.

The links themselves are ``accounts.invitations``'; here they are issued for an operation — landing
in it once signed up — by whom ``operations.access.may_manage`` allows (coordinators, administrators).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import audit
from accounts.invitations import Delivery, IssuedLink, invitations_issue, invitations_send, last_links, signed_up_ids
from operations.access import require_manage
from operations.models import Agency, Membership, Operation
from operations.services import membership_add

from .participants import split_name


@dataclass
class Person:
    membership: Membership
    signed_up: bool
    last_link: object  # the newest Invitation, or None

    @property
    def link_state(self) -> str:
        link = self.last_link
        if self.signed_up:
            return "signed up"
        if link is None:
            return "no link sent yet"
        if link.used_at:
            return "password chosen, authenticator app not set up yet"
        if link.voided_at is None and link.expires_at > timezone.now():
            return "link sent"
        return "link expired: send a new one"


def people_of(operation: Operation) -> list[Person]:
    """Every member of the operation, by team and name, with whether they have signed up."""
    memberships = list(operation.memberships.select_related("user", "agency")
                       .order_by("team", "user__last_name", "user__first_name", "user__username"))
    ids = [m.user_id for m in memberships]
    done, links = signed_up_ids(ids), last_links(ids)
    return [Person(m, m.user_id in done, links.get(m.user_id)) for m in memberships]


def _next_url(operation: Operation) -> str:
    return reverse("operation_detail", args=[operation.code])


def _about(operation: Operation) -> str:
    return f"operation {operation.code} ({operation.name})"


def _pending(operation: Operation, users=None) -> list:
    members = operation.memberships.select_related("user")
    if users is not None:
        members = members.filter(user__in=users)
    people = [m.user for m in members.order_by("team", "user__username")]
    done = signed_up_ids([u.pk for u in people])
    return [u for u in people if u.pk not in done]


def links_send(*, by, operation: Operation, site_url: str, users=None) -> Delivery:
    """E-mail a new sign-up link to each member who has not signed up (or to ``users`` of them); the
    links sent before stop working. The mails leave when the transaction commits."""
    require_manage(by, operation)
    pending = _pending(operation, users)
    if not pending:
        raise ValidationError("Signed up already: no link needed." if users else
                              "Everyone has signed up already: no link to send.")
    return invitations_send(by=by, users=pending, next_url=_next_url(operation), site_url=site_url,
                            about=_about(operation), operation=operation.pk)


def links_list(*, by, operation: Operation, site_url: str, users=None) -> list[tuple[Membership, IssuedLink]]:
    """New links for every member who has not signed up (or ``users`` of them), for the agencies' own
    channels (the links sent before stop working); each with its member."""
    require_manage(by, operation)
    pending = _pending(operation, users)
    if not pending:
        raise ValidationError("Everyone has signed up already: no link to hand out.")
    links = invitations_issue(by=by, users=pending, next_url=_next_url(operation), site_url=site_url,
                              operation=operation.pk)
    members = {m.user_id: m for m in operation.memberships.select_related("agency").filter(user__in=pending)}
    audit.record(actor=by, action="disclose", operation=operation, object_type="accounts.invitation",
                 summary=f"{len(links)} sign-up links downloaded as a list")
    return [(members[link.user.pk], link) for link in links]


def member_add(*, by, operation: Operation, email: str, name: str, role: str, team: str,
               agency: Agency | None) -> Membership:
    """Add one person by e-mail address: their account is found, or made without a password (they sign
    up through a link); their role and team in the operation are set."""
    require_manage(by, operation)
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"“{email}” is not an e-mail address."}) from None
    User = get_user_model()
    with transaction.atomic():
        found = list(User.objects.filter(email__iexact=email)[:2])
        if len(found) > 1:
            raise ValidationError({"email": "Two accounts have this address: an administrator merges them first."})
        user = found[0] if found else None
        if user is None:
            if not name.strip():
                raise ValidationError({"name": "A new person needs a name."})
            if User.objects.filter(username__iexact=email).exists():
                raise ValidationError({"email": "This user name belongs to an account with another address."})
            first, last = split_name(name)
            user = User.objects.create(username=email, email=email, first_name=first[:150], last_name=last[:150],
                                       password=make_password(None))
            audit.record(actor=by, action="collect", obj=user, operation=operation,
                         summary="account created for a new member")
        return membership_add(by=by, operation=operation, user=user, role=role, team=team, agency=agency)
