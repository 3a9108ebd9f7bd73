"""A real Chromium works the analyst workspace: keyboard logging, bulk paste, checklist, a case with
everything hanging off it, sharing, and a half-typed entry that survives an expired session.

Screenshots of the main pages go to test-artifacts/screenshots/.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from findings import services as findings
from findings.models import Case, DetectedUrl, Evidence, PossibleVictim, Suspect
from platforms.models import PlatformCheck

from .cast import PNG, browser_login, build_cast, complete_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def shot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def log_in(page, live_server, user, next_path):
    browser_login(page, live_server, user, next_path)
    page.wait_for_url(f"**{next_path}")


def workspace_path(cast):
    return f"/operations/{cast.operation.code}/workspace/"


def open_workspace(page, live_server, cast, user):
    log_in(page, live_server, user, workspace_path(cast))
    page.wait_for_load_state("networkidle")  # htmx has loaded the checklist


def test_analyst_logs_a_url_with_the_shortcut_and_ctrl_enter(live_server, page):
    cast = build_cast()
    open_workspace(page, live_server, cast, cast.de)
    page.keyboard.press("u")
    expect(page.locator("#log-url-url")).to_be_focused()
    page.keyboard.type("hxxps://escortguide[.]example/berlin/anna-22")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#log-url .saved")).to_contain_text("Saved: URL hxxps://escortguide[.]example/berlin/anna-22")
    expect(page.locator("#feed")).to_contain_text("hxxps://escortguide[.]example/berlin/anna-22")
    # Ready for the next one straight away: the form is empty and the cursor in it.
    expect(page.locator("#log-url-url")).to_have_value("")
    expect(page.locator("#log-url-url")).to_be_focused()
    assert DetectedUrl.objects.get().url == "https://escortguide.example/berlin/anna-22"
    # Nothing on the page links to the suspect's site.
    assert page.locator("a[href*='escortguide']").count() == 0
    shot(page, "workspace")


def test_what_is_typed_while_the_form_is_on_its_way_goes_into_it(live_server, page):
    """The log forms are fetched when their box is first opened: keys typed before the form arrives
    go into its first field and are not taken for shortcuts (a, s, v open other forms)."""
    cast = build_cast()
    open_workspace(page, live_server, cast, cast.de)
    held = []  # the form's request, held back until everything is typed
    page.route("**/workspace/log/url/", lambda route: held.append(route))
    page.keyboard.press("u")
    page.keyboard.type("hxxps://vans[.]example/ads")
    while not held:
        page.wait_for_timeout(20)
    for kind in ("account", "suspect", "victim"):
        expect(page.locator(f"#log-{kind}-box")).not_to_have_attribute("open", "")
    held[0].continue_()
    expect(page.locator("#log-url-url")).to_have_value("hxxps://vans[.]example/ads")
    page.unroute("**/workspace/log/url/")
    expect(page.locator("#log-url-url")).to_be_focused()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#log-url .saved")).to_contain_text("Saved: URL hxxps://vans[.]example/ads")
    assert DetectedUrl.objects.get().url == "https://vans.example/ads"


def test_keys_typed_for_a_list_choose_in_it_as_a_list_does(live_server, page):
    """The account form starts with the platform list: what is typed before it arrives picks the platform."""
    cast = build_cast()
    open_workspace(page, live_server, cast, cast.de)
    held = []
    page.route("**/workspace/log/account/", lambda route: held.append(route))
    page.keyboard.press("a")
    page.keyboard.type("esc")
    while not held:
        page.wait_for_timeout(20)
    held[0].continue_()
    expect(page.locator("#log-account-platform")).to_have_value(str(cast.platform.pk))
    expect(page.locator("#log-account-platform")).to_be_focused()
    page.unroute("**/workspace/log/account/")


def test_a_form_that_does_not_come_gives_the_keys_back_and_comes_on_the_next_open(live_server, page):
    cast = build_cast()
    open_workspace(page, live_server, cast, cast.de)
    page.route("**/workspace/log/url/", lambda route: route.fulfill(status=503, body="Database unavailable"))
    page.keyboard.press("u")
    expect(page.locator("#ws-alert")).to_contain_text("503")
    page.keyboard.press("/")  # a shortcut again, not a key kept for the form that never came
    expect(page.locator("#id_q")).to_be_focused()
    page.unroute("**/workspace/log/url/")
    page.locator("#id_q").blur()
    page.keyboard.press("Escape")  # close the box; opening it again asks once more
    page.keyboard.press("u")
    expect(page.locator("#log-url-url")).to_be_focused()


def test_invalid_entry_is_marked_and_nothing_typed_is_lost(live_server, page):
    cast = build_cast()
    open_workspace(page, live_server, cast, cast.de)
    page.keyboard.press("l")
    page.keyboard.type("ftp://files.example/x")
    page.fill("#log-url-note", "seen in the chat")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#log-url .errorlist")).to_contain_text("is not http or https")
    expect(page.locator("#log-url-url")).to_have_value("ftp://files.example/x")
    expect(page.locator("#log-url-note")).to_have_value("seen in the chat")
    expect(page.locator("#log-url-url")).to_be_focused()
    assert not DetectedUrl.objects.exists()


def test_bulk_paste_of_50_urls_shows_each_line_result(live_server, page):
    cast = build_cast()
    findings.url_log(user=cast.de, operation=cast.operation, raw_url="https://escortguide.example/ad/0")
    lines = [f"hxxps://escortguide[.]example/ad/{n}" for n in range(45)]  # line 1 is already known
    lines += ["not a url", "ftp://escortguide.example/x", "https://escortguide.example/ad/1",
              "escortguide(dot)example/ad/2", "javascript:alert(1)"]
    assert len(lines) == 50
    open_workspace(page, live_server, cast, cast.de)
    page.keyboard.press("b")
    page.wait_for_url("**/workspace/bulk/")
    page.fill("#id_lines", "\n".join(lines))
    page.focus("#id_lines")
    page.keyboard.press("Control+Enter")
    summary = page.locator(".bulk-summary")
    expect(summary).to_contain_text("44 saved")
    expect(summary).to_contain_text("3 already known")
    expect(summary).to_contain_text("3 refused")
    expect(page.locator("tr[data-line='1'] .outcome")).to_have_text("Already known")
    expect(page.locator("tr[data-line='46']")).to_contain_text("contains spaces")
    expect(page.locator("tr[data-line='47']")).to_contain_text("is not http or https")
    expect(page.locator("tr[data-line='48']")).to_contain_text("same as line 2")
    expect(page.locator("#id_lines")).to_have_value("not a url\nftp://escortguide.example/x\njavascript:alert(1)")
    assert DetectedUrl.objects.filter(team="DE").count() == 45
    shot(page, "bulk-paste-result")


def test_analyst_checks_a_platform(live_server, page):
    cast = build_cast()
    open_workspace(page, live_server, cast, cast.de)
    checklist = page.locator("#checklist")
    checklist.locator("select[name=platform]").select_option(label=cast.platform.name)
    checklist.get_by_role("button", name="Add to the checklist").click()
    expect(checklist).to_contain_text("check started")
    checklist.get_by_role("button", name="Checked — indications found").click()
    expect(page.locator("#checklist")).to_contain_text("Checked, indications found")
    check = PlatformCheck.objects.get()
    assert (check.team, check.status, check.with_indications) == ("DE", "checked", True)
    page.goto(f"{live_server.url}/operations/{cast.operation.code}/platforms/")
    shot(page, "platform-checklist")


def test_case_with_suspect_victim_and_evidence_and_sharing_it(live_server, page, browser):
    cast = build_cast()
    open_workspace(page, live_server, cast, cast.de)
    page.keyboard.press("c")
    page.keyboard.type("Escort adverts with one handler")
    page.select_option("#log-case-exploitation_type", "sexual")
    page.focus("#log-case-title")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#log-case .saved")).to_contain_text("Saved: case")
    case = Case.objects.get()

    page.keyboard.press("Escape")
    page.keyboard.press("s")
    page.keyboard.type("Dima")
    page.fill("#log-suspect-case", case.reference)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#log-suspect .saved")).to_contain_text("Saved: suspect Dima")

    page.keyboard.press("Escape")
    page.keyboard.press("v")
    page.select_option("#log-victim-age_band", "18-24")
    page.fill("#log-victim-case", case.reference)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#log-victim .saved")).to_contain_text("Saved: possible victim")
    assert Suspect.objects.get().case == case and PossibleVictim.objects.get().case == case

    page.locator("#feed").get_by_role("link", name=case.reference).first.click()
    page.wait_for_url(f"**/cases/{case.reference}/")
    page.set_input_files("#id_file", files=[{"name": "advert.png", "mimeType": "image/png", "buffer": PNG}])
    page.fill("#id_description", "Advert screenshot")
    page.get_by_role("button", name=re.compile("Store evidence")).click()
    expect(page.locator(".messages")).to_contain_text("Evidence stored")
    evidence = Evidence.objects.get()
    expect(page.locator("#evidence")).to_contain_text(evidence.sha256)
    expect(page.locator("#id_description")).to_have_value("")  # stored: its draft is forgotten
    assert "saved=" not in page.url
    expect(page.locator("body")).to_contain_text("Dima")
    shot(page, "case")

    # The French analyst cannot reach it: not by list, not by search, not by its address.
    fr_context = browser.new_context(viewport={"width": 1280, "height": 900})
    fr = fr_context.new_page()
    try:
        open_workspace(fr, live_server, cast, cast.fr)
        expect(fr.locator("#feed")).not_to_contain_text(case.reference)
        fr.fill("#id_q", "Escort adverts")
        fr.keyboard.press("Enter")
        expect(fr.locator("#feed")).to_contain_text("Nothing you can see matches")
        response = fr.goto(f"{live_server.url}/operations/{cast.operation.code}/cases/{case.reference}/")
        assert response.status == 404

        # Shared by its owner, it opens up.
        page.select_option("#id_team", "FR")
        page.get_by_role("button", name="Share with the team").click()
        expect(page.locator(".messages")).to_contain_text("now shared with team FR")
        response = fr.goto(f"{live_server.url}/operations/{cast.operation.code}/cases/{case.reference}/")
        assert response.status == 200
        expect(fr.locator("body")).to_contain_text("Dima")
        fr.goto(f"{live_server.url}{workspace_path(cast)}?q=Escort+adverts")
        expect(fr.locator("#feed")).to_contain_text(case.reference)
    finally:
        fr_context.close()


def test_half_typed_entry_survives_an_expired_session(live_server, page):
    cast = build_cast()
    open_workspace(page, live_server, cast, cast.de)
    page.keyboard.press("s")
    page.keyboard.type("Vadim the recruiter")
    page.fill("#log-suspect-notes", "Phone +49 151 2345678 in every advert")
    page.context.clear_cookies(name="sessionid")  # the session expires while the analyst types
    page.focus("#log-suspect-alias")
    page.keyboard.press("Control+Enter")
    page.wait_for_url("**/login/**")
    complete_login(page, cast.de)
    page.wait_for_url(f"**{workspace_path(cast)}")
    expect(page.locator("#log-suspect-box")).to_have_attribute("open", "")
    expect(page.locator("#log-suspect-alias")).to_have_value("Vadim the recruiter")
    expect(page.locator("#log-suspect-notes")).to_have_value("Phone +49 151 2345678 in every advert")
    expect(page.locator("#log-suspect .draft-note")).to_be_visible()
    assert not Suspect.objects.exists()
    page.focus("#log-suspect-alias")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#log-suspect .saved")).to_contain_text("Saved: suspect Vadim the recruiter")
    assert Suspect.objects.get().notes == "Phone +49 151 2345678 in every advert"
    # Saved means forgotten: after a reload nothing is put back.
    page.reload()
    expect(page.locator("#log-suspect-box")).not_to_have_attribute("open", "")
    page.keyboard.press("s")
    expect(page.locator("#log-suspect-alias")).to_be_focused()
    expect(page.locator("#log-suspect-alias")).to_have_value("")
    expect(page.locator("#log-suspect .draft-note")).to_have_count(0)


def test_logging_out_forgets_what_was_typed(live_server, page):
    cast = build_cast()
    open_workspace(page, live_server, cast, cast.de)
    page.keyboard.press("s")
    page.keyboard.type("Alias about a person")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/**")
    log_in(page, live_server, cast.de, workspace_path(cast))
    page.keyboard.press("s")
    expect(page.locator("#log-suspect-alias")).to_be_focused()
    expect(page.locator("#log-suspect-alias")).to_have_value("")
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('actionday:draft:')).length") == 0


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_workspace_fits_a_laptop_screen(live_server, page, width):
    """Long URLs wrap inside their column, and the table scrolls inside its own box if it must:
    the page itself is never wider than the window."""
    cast = build_cast()
    case = cast.case_of(cast.de, title="Escort adverts with one handler across three cities")
    for n in range(3):
        findings.url_log(user=cast.de, operation=cast.operation, case=case,
                         raw_url=f"https://escortguide.example/berlin/a-very-long-advert-path-{n}/more/segments?id={n}")
    page.set_viewport_size({"width": width, "height": 800})
    open_workspace(page, live_server, cast, cast.de)
    expect(page.locator("#feed")).to_contain_text("a-very-long-advert-path-2")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"workspace-{width}")
