"""Sign-up links: e-mailed over SMTP (a real server here) or handed out as a list; single use, time-limited,
stored only as a hash; a new link voids the old; coordinators see who has not signed up."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.invitations import invitation_for
from accounts.models import Invitation
from audit.models import AuditEvent
from setup.people import links_send, member_add

pytestmark = pytest.mark.django_db(transaction=True)  # the mails leave when the transaction commits

SITE = "http://testserver/"


@pytest.fixture
def newcomers(cast):
    return [member_add(by=cast.coordinator, operation=cast.operation, email=f"new{n}@bka.example",
                       name=f"Neu Person{n}", role="analyst", team="DE", agency=None).user for n in (1, 2)]


def link_in(message) -> str:
    return re.search(r"http://testserver(/signup/[^/\s]+/)", message.get_content()).group(1)


def test_links_are_emailed_over_smtp_to_who_has_not_signed_up(cast, newcomers, smtp_mailbox):
    delivery = links_send(by=cast.coordinator, operation=cast.operation, site_url=SITE)
    assert [u.email for u in delivery.sent] == ["new1@bka.example", "new2@bka.example"]
    messages = smtp_mailbox.wait_for(2)
    assert sorted(m["To"] for m in messages) == ["new1@bka.example", "new2@bka.example"]
    mail = smtp_mailbox.to("new1@bka.example")[0]
    assert f"operation {cast.operation.code}" in mail["Subject"]
    assert "user name is new1@bka.example" in mail.get_content()
    token = link_in(mail).split("/")[2]
    # Only a hash is kept: the database holds nothing that opens the link.
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert invitation_for(token).user == newcomers[0]


def test_a_new_link_voids_the_old_one(cast, newcomers, smtp_mailbox):
    links_send(by=cast.coordinator, operation=cast.operation, site_url=SITE, users=newcomers[:1])
    old = link_in(smtp_mailbox.wait_for(1)[0])
    links_send(by=cast.coordinator, operation=cast.operation, site_url=SITE, users=newcomers[:1])
    new = link_in(smtp_mailbox.wait_for(2)[1])
    assert invitation_for(old.split("/")[2]) is None
    assert invitation_for(new.split("/")[2]).user == newcomers[0]


def test_an_expired_link_no_longer_works(cast, newcomers, smtp_mailbox, client):
    links_send(by=cast.coordinator, operation=cast.operation, site_url=SITE, users=newcomers[:1])
    path = link_in(smtp_mailbox.wait_for(1)[0])
    Invitation.objects.update(created_at=timezone.now() - dt.timedelta(days=20),
                              expires_at=timezone.now() - dt.timedelta(days=1))
    response = client.get(path)
    assert response.status_code == 410 and b"no longer works" in response.content


def test_the_people_page_shows_who_has_not_signed_up_and_sends_a_link(cast, newcomers, smtp_mailbox, client):
    client.force_login(cast.coordinator)
    page = client.get(reverse("setup_people", args=[cast.operation.code])).content.decode()
    assert re.search(r'id="pending-count">\d+<', page)
    row = re.search(r'data-username="new1@bka.example">.*?</tr>', page, re.S).group(0)
    assert "no link sent yet" in row
    membership = newcomers[0].memberships.get()
    client.post(reverse("setup_links_send", args=[cast.operation.code]), {"member": membership.pk})
    assert [m["To"] for m in smtp_mailbox.wait_for(1)] == ["new1@bka.example"]
    page = client.get(reverse("setup_people", args=[cast.operation.code])).content.decode()
    assert "link sent" in re.search(r'data-username="new1@bka.example">.*?</tr>', page, re.S).group(0)


def test_the_list_of_links_is_a_csv_of_fresh_links_and_its_download_is_recorded(cast, newcomers, client):
    client.force_login(cast.coordinator)
    response = client.post(reverse("setup_links_download", args=[cast.operation.code]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    mine = {r["email"]: r for r in rows}
    assert set(mine) >= {"new1@bka.example", "new2@bka.example"}
    token = mine["new1@bka.example"]["sign_up_link"].rstrip("/").rsplit("/", 1)[1]
    assert invitation_for(token).user == newcomers[0]
    assert AuditEvent.objects.filter(action="disclose", summary__contains="sign-up links downloaded").exists()


def test_someone_who_has_signed_up_gets_no_link(cast, smtp_mailbox):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Signed up already"):
        links_send(by=cast.coordinator, operation=cast.operation, site_url=SITE, users=[cast.de])
    assert smtp_mailbox.messages == []


def test_an_analyst_gets_no_people_page(cast, client):
    client.force_login(cast.de)
    assert client.get(reverse("setup_people", args=[cast.operation.code])).status_code == 404
    assert client.post(reverse("setup_links_download", args=[cast.operation.code])).status_code == 404
