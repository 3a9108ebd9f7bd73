"""An analyst in Chromium captures a URL from the case page and sees the screenshot there within the
time limit: the page posts, the real capture worker saves the hostile site's page, htmx follows the
capture until it is done and shows the screenshot from our own origin.

A screenshot of the case page goes to test-artifacts/screenshots/.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from findings import services as findings

from .cast import browser_login, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def test_an_analyst_captures_a_url_and_sees_the_screenshot_on_the_case_page(celery_worker, live_server, page,
                                                                             hostile_site, settings):
    settings.CAPTURE_ALLOW_PRIVATE = True  # as the worker's (tests/conftest.py): the test site is on loopback
    cast = build_cast()
    case = cast.case_of(cast.de, title="Escort adverts from one handler")
    findings.url_log(user=cast.de, operation=cast.operation, raw_url=hostile_site.url("/dialogs"), case=case)
    case_path = f"/operations/{cast.operation.code}/cases/{case.reference}/"

    browser_login(page, live_server, cast.de, case_path)
    page.wait_for_url(f"**{case_path}")
    captures = page.locator("#captures")
    captures.get_by_role("button", name="Capture every URL of this case").click()
    expect(captures.get_by_text("1 page queued for capture.")).to_be_visible()

    screenshot = captures.get_by_role("img", name="Screenshot of the captured page")
    expect(screenshot).to_be_visible(timeout=settings.CAPTURE_TIME_LIMIT * 1000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=screenshot.element_handle())
    expect(captures.locator(".status-capture-done")).to_have_text("Done")
    expect(captures.locator(".manifest-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    assert "hxxp://127[.]0[.]0[.]1" in captures.inner_text()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    captures.screenshot(path=SCREENSHOTS / "case-page-capture.png")
