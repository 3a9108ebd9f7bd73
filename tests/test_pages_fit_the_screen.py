"""Every page of every role fits the screens analysts have, 1024 and 1280 px wide: nothing is wider
than its container, cut off, or scrolling sideways — except inside an area declared to scroll
([data-scroll-area], framed on the page so the reader sees it scrolls). Chart labels are at least
11 px. Screenshots of the dashboard, the workspace and a case page are saved in test-artifacts/.

The pages come from the URL configuration and the demo's data (tests/page_sweep.py).
"""

import re

import pytest

from reports import building
from reports.services import press_paragraph_draft, snapshot_compile

from . import page_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = {"dashboard": re.compile(r"/dashboard/$"), "workspace": re.compile(r"/workspace/$"),
               "case": re.compile(r"/operations/[^/]+/cases/[^/]+/$")}


@pytest.fixture
def demo(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}
    page_sweep.seed_demo()
    operation = page_sweep.demo_operation()
    users = page_sweep.demo_users()
    # The figures are counted (the dashboard shows its charts and tables) and a press paragraph drafted.
    snapshot_compile(operation=operation)
    press_paragraph_draft(user=users["coordinator"], operation=operation)
    for kind, user in (("operation_summary", users["coordinator"]), ("team_report", users["analyst.de"])):
        report = building.report_request(user=user, kind=kind, operation=operation,
                                         team="DE" if kind == "team_report" else "")
        building.report_build(report.pk)
    return operation, users


def chart_labels_under_11px(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll("svg.chart-svg text")]
        .filter(t => t.textContent.trim() && t.getBoundingClientRect().height > 0)
        .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a])
        .filter(([, px]) => px < 11).map(([text, px]) => `${text}: ${px.toFixed(1)} px`)""")


def test_every_page_of_every_role_fits_1024_and_1280_px(live_server, browser, demo):
    operation, users = demo
    page_sweep.ARTIFACTS.mkdir(exist_ok=True)
    for name in SCREENSHOTS:  # what is there afterwards was taken by this run
        for old in (p for p in page_sweep.ARTIFACTS.glob(f"{name}-*.png") if "row-menu" not in p.name):
            old.unlink()
    problems, swept, small, charts_seen = [], 0, [], 0
    for role, user in users.items():
        sweep = page_sweep.pages_of(user, page_sweep.operation_of(user, operation))
        for width in page_sweep.WIDTHS:
            context, page = page_sweep.open_as(browser, live_server, user, width=width)
            for path in sweep.pages:
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                swept += 1
                problems += [f"{role} {width}px {path}: {p}" for p in page.evaluate(page_sweep.OVERFLOW_JS)]
                small += [f"{role} {width}px {path}: {p}" for p in chart_labels_under_11px(page)]
                charts_seen += page.locator("svg.chart-svg").count()
                for name, pattern in SCREENSHOTS.items():
                    if role in ("coordinator", "analyst.de") and pattern.search(path):
                        page.screenshot(path=page_sweep.ARTIFACTS / f"{name}-{role}-{width}.png", full_page=True)
            context.close()
    assert swept > 60, swept  # every role saw its pages
    assert not problems, "\n".join(problems[:40])
    assert not small, "\n".join(small[:20])
    assert charts_seen >= 3 * len(page_sweep.WIDTHS)  # the dashboard's charts were there to measure
    for name in SCREENSHOTS:
        for width in page_sweep.WIDTHS:
            assert list(page_sweep.ARTIFACTS.glob(f"{name}-*-{width}.png")), (name, width)


def test_the_row_menu_of_the_workspace_opens_whole_on_screen(live_server, browser, demo):
    operation, users = demo
    for width in page_sweep.WIDTHS:
        context, page = page_sweep.open_as(browser, live_server, users["analyst.de"], width=width)
        page.goto(f"{live_server.url}/operations/{operation.code}/workspace/")
        button = page.locator("tr.feed-row .row-menu-button").first
        button.click()
        menu = page.locator(".row-menu:popover-open")
        menu.locator(".actions").wait_for()
        box = menu.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= 900
        assert box["width"] >= 300  # wide enough to read a case title, not an 80 px column
        assert menu.evaluate("el => el.scrollWidth <= el.clientWidth")
        page.screenshot(path=page_sweep.ARTIFACTS / f"workspace-row-menu-{width}.png")
        # The table did not have to scroll sideways to show the button.
        assert page.locator(".feed-scroll").evaluate("el => el.scrollLeft") == 0
        page.keyboard.press("Escape")
        assert page.locator(".row-menu:popover-open").count() == 0
        context.close()
