"""Sign-up links: issued by those who set an operation up, used once by the person they are for.

The flow: a link (``/signup/<token>/``) → choose a password → enrol the authenticator app
(``accounts.two_factor``) → the page the link was issued for (``next_url``). Only a hash of the token
is stored; a new link voids the older ones; a link works once and for ``SIGNUP_LINK_DAYS`` days.

Links go out by e-mail through Django's mail settings (``MAILERS``, from ``EMAIL_URL``), after the transaction that
issued them commits, or as a list for the agencies' own secure channel (the caller writes it).
The caller names what the links are for (``about``, ``next_url``): this app knows no operation.
"""

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

import audit

from .models import Invitation

logger = logging.getLogger("actionday.security")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signed_up_ids(user_ids) -> set[int]:
    """Of these users, those who have signed up: a password of their own and a confirmed authenticator app."""
    User = get_user_model()
    with_app = set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))
    return {pk for pk, password in User.objects.filter(pk__in=with_app).values_list("pk", "password")
            if password and not password.startswith("!")}


def last_links(user_ids) -> dict[int, Invitation]:
    """The newest link of each of these users (used, void or expired alike)."""
    newest = {}
    for invitation in Invitation.objects.filter(user_id__in=user_ids).order_by("user_id", "-created_at"):
        newest.setdefault(invitation.user_id, invitation)
    return newest


@dataclass
class IssuedLink:
    user: object
    url: str
    expires_at: dt.datetime


@dataclass
class Delivery:
    """What became of the e-mails of one batch of links (filled in once the transaction commits)."""

    links: list[IssuedLink]
    sent: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    error: str = ""


def invitations_issue(*, by, users, next_url: str, site_url: str, operation=None) -> list[IssuedLink]:
    """New sign-up links for ``users`` (the older links of each stop working). ``site_url`` is the
    site's address as the people will reach it ("https://actionday.example.eu/"); ``operation`` (an
    id) files the audit events under it. Users who have signed up already get none: a link would
    let whoever holds it set a new password."""
    users = list(users)
    done = signed_up_ids([u.pk for u in users])
    if done:
        names = ", ".join(sorted(u.get_username() for u in users if u.pk in done))
        raise ValidationError(f"Already signed up, no link needed: {names}.")
    now = timezone.now()
    expires = now + dt.timedelta(days=settings.SIGNUP_LINK_DAYS)
    links, rows = [], []
    for user in users:
        token = secrets.token_urlsafe(32)
        rows.append(Invitation(user=user, token_hash=_hash(token), next_url=next_url, created_at=now,
                               created_by=by if by.is_authenticated else None, expires_at=expires))
        links.append(IssuedLink(user=user, url=site_url.rstrip("/") + reverse("signup", args=[token]),
                                expires_at=expires))
    with transaction.atomic():
        Invitation.objects.filter(user__in=users, used_at=None, voided_at=None).update(voided_at=now)
        Invitation.objects.bulk_create(rows)
        for invitation in rows:
            audit.record(actor=by, action="alter", obj=invitation, operation=operation,
                         summary=f"sign-up link issued for user {invitation.user_id} (older links void)")
    return links


def invitations_send(*, by, users, next_url: str, site_url: str, about: str, operation=None) -> Delivery:
    """Issue links for ``users`` and e-mail each to its person once the transaction commits.

    ``about`` names what they are invited to, in the mail ("operation THB-AW-2026, EMPACT …"). People
    without an e-mail address are refused before anything is issued.
    """
    users = list(users)
    missing = sorted(u.get_username() for u in users if not u.email)
    if missing:
        raise ValidationError(f"No e-mail address for: {', '.join(missing)}. Download the list of links instead.")
    links = invitations_issue(by=by, users=users, next_url=next_url, site_url=site_url, operation=operation)
    delivery = Delivery(links=links)
    # After the commit: a mail must never carry a link that a rolled-back transaction never stored.
    transaction.on_commit(lambda: _send(delivery, about=about))
    return delivery


def _send(delivery: Delivery, *, about: str) -> None:
    messages = []
    for link in delivery.links:
        context = {"user": link.user, "name": link.user.get_full_name() or link.user.get_username(),
                   "url": link.url, "expires_at": link.expires_at, "about": about}
        messages.append(EmailMessage(
            subject=f"Your ActionDay sign-up link — {about}",
            body=render_to_string("accounts/invitation_email.txt", context),
            to=[link.user.email],
        ))
    try:
        # One connection for the whole batch: an SMTP session per mail would cost a handshake each.
        with mailers.default as connection:
            for link, message in zip(delivery.links, messages, strict=True):
                connection.send_messages([message])
                delivery.sent.append(link.user)
    except Exception as exc:  # SMTP refusals, a mail server that is down: say so, keep the links
        delivery.failed = [link.user for link in delivery.links if link.user not in delivery.sent]
        delivery.error = str(exc) or type(exc).__name__
        logger.warning("sign-up links: %d of %d mails not sent: %s", len(delivery.failed), len(messages),
                       delivery.error)


# --- using a link ------------------------------------------------------------------------------


def invitation_for(token: str) -> Invitation | None:
    """The usable link with this token, or None (unknown, used, replaced by a newer one, or expired)."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.usable().select_related("user").filter(token_hash=_hash(token)).first()


def invitation_accept(*, token: str, password: str):
    """Use the link: the person's own password is set and the link is spent. Returns the user.

    Raises ValidationError (the password's problems, or a link that no longer works).
    """
    with transaction.atomic():
        invitation = invitation_for(token)
        if invitation is None:
            raise ValidationError("This sign-up link no longer works.")
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at or invitation.voided_at:  # used in the meantime, by a second click
            raise ValidationError("This sign-up link no longer works.")
        user = invitation.user
        password_validation.validate_password(password, user)
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        audit.record(actor=user, action="alter", obj=invitation, summary="sign-up link used: password chosen")
    logger.info("sign-up: %s chose a password", user.get_username())
    return invitation
