"""A whole action day without a shell, in a real Chromium: an administrator sets up an operation of 27 teams
and 76 people from one XLSX file and e-mails the sign-up links (received here on a real SMTP server); a new
analyst signs up through theirs and logs a finding; the coordinator signs up too, links two victims as
duplicates and sees the victims figure drop by one, refers a case and closes the operation.

Screenshots of the set-up pages go to test-artifacts/screenshots/.
"""

import re
from base64 import b32decode
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from config.celery import app as celery_app
from findings.models import Case, PossibleVictim
from operations.models import Membership, Operation

from .cast import browser_login, make_user
from .edition import ANALYST, COORDINATOR, as_xlsx, edition_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
CODE = "THB-AW-2027"
PHONE = "+49 151 23456789"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def browsers(browser):
    """A fresh browser context per person; closed at the end (an open one keeps a server thread and its
    database connection alive)."""
    contexts = []

    def new_page():
        contexts.append(browser.new_context(viewport={"width": 1280, "height": 900}))
        return contexts[-1].new_page()

    yield new_page
    for context in contexts:
        context.close()


def sign_up(new_page, link: str):
    """Open a sign-up link in a fresh browser: password, authenticator app (its secret read off the page),
    recovery codes, and on into the operation. Returns the page."""
    page = new_page()
    page.goto(link)
    page.fill("#id_new_password1", "a long and private passphrase")
    page.fill("#id_new_password2", "a long and private passphrase")
    page.get_by_role("button", name="Choose this password").click()
    page.wait_for_url("**/two-factor/enrol/**")
    secret = page.locator(".secret code").inner_text().replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_code", f"{TOTP(key).token():06d}")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("link", name=re.compile("I have kept them")).click()
    page.wait_for_url(f"**/operations/{CODE}/")
    return page


def figure(page, key) -> str:
    return page.locator(f'.figure-list [data-figure="{key}"] dd').inner_text()


def test_a_whole_action_day_without_a_shell(live_server, page, browsers, smtp_mailbox, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the live server runs jobs in-process
    admin = make_user("admin")
    admin.is_staff = True
    admin.save()

    # The administrator creates the operation...
    browser_login(page, live_server, admin, "/setup/")
    page.get_by_role("link", name="New operation").click()
    page.fill("#id_code", CODE)
    page.fill("#id_name", "EMPACT THB online action week 2027")
    page.fill("#id_starts_at", "2027-11-22T08:00")
    page.fill("#id_ends_at", "2027-11-26T18:00")
    page.fill("#id_new_agency", "Dutch National Police")
    page.select_option("#id_new_agency_country", "NL")
    page.fill("#id_focus_tags", "Ukrainian refugees\nEscort services")
    page.get_by_role("button", name="Create the operation").click()
    page.wait_for_url(f"**/setup/operations/{CODE}/participants/")

    # ... imports its participants from one XLSX file, after a preview ...
    page.set_input_files("#id_file", files=[{
        "name": "participants.xlsx", "buffer": as_xlsx(edition_rows()),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".preview-counts")).to_contain_text("27 agencies with 76 experts and 76 people read")
    shot(page, "setup-participants-preview")
    page.get_by_role("button", name=re.compile(r"Import \d+ changes")).click()
    page.wait_for_url(f"**/setup/operations/{CODE}/people/")
    operation = Operation.objects.get(code=CODE)
    assert operation.memberships.count() == 76
    assert len({p.agency.country for p in operation.participations.select_related("agency")}) == 27

    # ... e-mails the sign-up links, and starts the operation.
    expect(page.locator("#pending-count")).to_have_text("76")
    page.get_by_role("button", name=re.compile("E-mail new links to the 76")).click()
    expect(page.locator(".messages")).to_contain_text("Sign-up links e-mailed to 76 people")
    shot(page, "setup-people")
    assert len(smtp_mailbox.wait_for(76)) == 76
    page.get_by_role("link", name=f"Set-up of {CODE}").click()
    page.get_by_role("link", name="Start the operation…").click()
    page.get_by_role("button", name=re.compile("Yes — start the operation")).click()
    expect(page.locator("#operation-status")).to_have_text("Active")

    def link_for(address):
        (mail,) = smtp_mailbox.to(address)
        return re.search(r"(http://\S+/signup/\S+/)", mail.get_content()).group(1)

    # A newly imported analyst signs up through the link they received, and logs a case and a victim.
    analyst = sign_up(browsers, link_for(ANALYST))
    analyst.goto(f"{live_server.url}/operations/{CODE}/workspace/")
    analyst.wait_for_load_state("networkidle")
    analyst.keyboard.press("c")
    analyst.keyboard.type("Escort adverts with one handler number")
    analyst.select_option("#log-case-exploitation_type", "sexual")
    analyst.focus("#log-case-title")
    analyst.keyboard.press("Control+Enter")
    expect(analyst.locator("#log-case .saved")).to_contain_text("Saved: case")
    case = Case.objects.get(operation=operation)
    analyst.keyboard.press("Escape")
    analyst.keyboard.press("v")
    analyst.select_option("#log-victim-nationality", "UA")
    analyst.select_option("#log-victim-age_band", "18-24")
    analyst.fill("#log-victim-case", case.reference)
    analyst.fill("#log-victim-notes", f"Booked through {PHONE}")
    analyst.keyboard.press("Control+Enter")
    expect(analyst.locator("#log-victim .saved")).to_contain_text("Saved: possible victim")

    # The lead coordinator signs up too, and logs the same woman, as the Dutch team saw her.
    coordinator = sign_up(browsers, link_for(COORDINATOR))
    assert Membership.objects.get(user__email=COORDINATOR).role == "coordinator"
    coordinator.goto(f"{live_server.url}/operations/{CODE}/workspace/")
    coordinator.wait_for_load_state("networkidle")
    coordinator.keyboard.press("v")
    coordinator.select_option("#log-victim-nationality", "UA")
    coordinator.fill("#log-victim-notes", f"Same number: {PHONE}")
    coordinator.keyboard.press("Control+Enter")
    expect(coordinator.locator("#log-victim .saved")).to_contain_text("Saved: possible victim")

    # Two victims on the dashboard; linked as duplicates on the duplicates page, one.
    coordinator.goto(f"{live_server.url}/operations/{CODE}/dashboard/")
    assert figure(coordinator, "victims") == "2"
    coordinator.get_by_role("link", name="Duplicates").click()
    proposal = coordinator.locator("#duplicates-victim tr.proposal")
    expect(proposal).to_have_count(1)
    expect(proposal).to_contain_text("same phone number")
    shot(coordinator, "duplicates")
    proposal.get_by_role("button", name="Same person: link").click()
    expect(coordinator.locator(".messages")).to_contain_text("linked as the same person")
    assert PossibleVictim.objects.filter(operation=operation, duplicate_of__isnull=False).count() == 1
    coordinator.get_by_role("link", name="Dashboard").click()
    assert figure(coordinator, "victims") == "1"

    # The coordinator refers the analyst's case, and it shows in the case's timeline.
    coordinator.goto(f"{live_server.url}/operations/{CODE}/cases/{case.reference}/")
    coordinator.fill("#referred-to", "Staatsanwaltschaft Berlin")
    coordinator.get_by_role("button", name="Refer the case").click()
    expect(coordinator.locator("#timeline")).to_contain_text("case open → referred")
    expect(coordinator.locator(".facts")).to_contain_text("Staatsanwaltschaft Berlin")
    shot(coordinator, "case-referred")

    # And closes the operation, after a confirmation that says what closing locks.
    coordinator.get_by_role("link", name="Set-up").click()
    coordinator.get_by_role("link", name="Close the operation…").click()
    expect(coordinator.locator(".locks")).to_contain_text("read-only for everyone")
    coordinator.get_by_role("button", name=re.compile("Yes — close the operation")).click()
    expect(coordinator.locator("#operation-status")).to_have_text("Closed")
    assert Operation.objects.get(pk=operation.pk).is_read_only
