"""In a real Chromium the dashboard's figures change by themselves, without a page reload."""

import pytest
from playwright.sync_api import expect

from config.celery import app as celery_app
from findings import services as findings
from reports.services import snapshot_compile
from reports.views import dashboard as views

from .cast import browser_login, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_headline_refreshes_itself_and_on_recompute_without_a_reload(live_server, page, monkeypatch):
    monkeypatch.setattr(views, "POLL_SECONDS", 1)
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the live server runs jobs in-process
    cast = build_cast()
    snapshot_compile(operation=cast.operation)

    browser_login(page, live_server, cast.coordinator)
    page.wait_for_url(f"**/operations/{cast.operation.code}/")
    page.click("nav.opnav >> text=Dashboard")
    urls = page.locator('.headline-figure[data-figure="urls"] .n')
    expect(urls).to_have_text("0")
    page.evaluate("window.stillTheSamePage = true")

    # The statistics job stores a new snapshot; the next poll shows it.
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/one")
    snapshot_compile(operation=cast.operation)
    expect(urls).to_have_text("1", timeout=10_000)

    # "Recompute now" swaps in the fresh figures at once.
    monkeypatch.setattr(views, "POLL_SECONDS", 3600)
    page.wait_for_timeout(1500)  # let the last one-second poll swap in the slow trigger
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://escortguide.example/two")
    page.click("text=Recompute now")
    expect(urls).to_have_text("2", timeout=5_000)
    assert page.evaluate("window.stillTheSamePage") is True
