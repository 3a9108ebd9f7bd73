"""XSS: markup in every text field stays text on every page that shows it, in a real Chromium.

Every free-text field a member (or an administrator, for the reference data) can fill carries a
payload — a script element, an image with an error handler, an SVG with an onload, a ``javascript:``
address, an attribute break-out. Chromium then opens each page that shows those fields, as the
analyst and as the coordinator, and the test fails when a dialog opens, when a payload's script sets
its window flag, or when the page's DOM holds anything a payload would have added: an inline script,
an ``on…`` handler attribute, a ``javascript:`` address, an element from a payload.
"""

import csv
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from evidence.services import evidence_attach
from findings import services as findings
from findings.models import Hit
from hits.matching import match_pending
from hits.services import hit_decline
from operations.models import Agency, FocusTag, Operation
from platforms import services as platforms
from reports import building

from .cast import PNG, build_cast, make_platform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each payload sets window.__xss (and opens a dialog) if a browser ever runs it.
PAYLOADS = [
    '<script>window.__xss=1;alert(1)</script>',
    '"><img src=x onerror="window.__xss=1;alert(1)">',
    "'><svg onload=\"window.__xss=1;alert(1)\">",
    '<svg><script>window.__xss=1;alert(1)</script></svg>',
    "javascript:window.__xss=1;alert(1)",
    '<a href="javascript:window.__xss=1;alert(1)">x</a>',
    "</textarea><iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
]
ALL = " ".join(PAYLOADS)
PHONE = "+49 151 23456789"

# What the page's DOM may not hold: anything a payload above would have added if it were markup.
DOM_CHECK = """() => {
  const bad = [];
  const addresses = ['href', 'src', 'action', 'formaction', 'xlink:href'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) bad.push(`${el.tagName} ${name}`);
      if (addresses.includes(name) && /^\\s*javascript:/i.test(attr.value)) bad.push(`${el.tagName} ${name}`);
    }
  }
  for (const s of document.querySelectorAll('script')) {
    const data = (s.type || '').toLowerCase() === 'application/json';  // a data block, never run
    if (!data && (!s.src || new URL(s.src).origin !== location.origin)) bad.push(`script ${s.src || s.text}`);
  }
  for (const el of document.querySelectorAll('iframe, object, embed, img[src="x"]')) bad.push(el.outerHTML);
  return {bad, flag: window.__xss === 1};
}"""


@pytest.fixture
def hostile():
    """The cast, with a payload in every text field of every kind of record, and the pages showing them."""
    cast = build_cast()
    de, fr, op = cast.de, cast.fr, cast.operation
    Operation.objects.filter(pk=op.pk).update(name=f"Action day {PAYLOADS[0]}", crime_focus=PAYLOADS[1])
    Agency.objects.filter(pk=op.lead_agency_id).update(name=f"Police {PAYLOADS[2]}")
    tag = FocusTag.objects.create(operation=op, name=PAYLOADS[1][:80])
    platform = make_platform(name=f"Board {PAYLOADS[3]}"[:100], domain="board.example", category="classifieds")
    case = findings.case_create(
        user=de, operation=op, title=PAYLOADS[0], summary=ALL, exploitation_type="sexual", handling_code="H3",
        handling_restrictions=PAYLOADS[6], focus_tags=[tag.name],
    )
    case = findings.case_refer(user=de, case=case, referred_to=PAYLOADS[1])
    suspect = findings.suspect_log(user=de, operation=op, case=case, alias=PAYLOADS[2], notes=f"{ALL} {PHONE}")
    victim = findings.victim_log(user=de, operation=op, case=case, notes=ALL)
    url, _ = findings.url_log(user=de, operation=op, case=case, note=ALL,
                              raw_url='https://escortguide.example/a"><script>window.__xss=1</script>')
    account, _ = findings.account_log(user=de, operation=op, platform=platform, handle="evil_handle", case=case,
                                      display_name=PAYLOADS[3], note=ALL)
    evidence_attach(user=de, finding=case, upload=SimpleUploadedFile(f"{PAYLOADS[1]}.png", PNG),
                    description=PAYLOADS[2], source_url=PAYLOADS[4])
    check = platforms.check_plan(user=de, operation=op, platform=platform, focus_tags=[tag.name])
    platforms.check_finish(user=de, check=platforms.check_start(user=de, check=check), with_indications=True,
                           note=ALL)
    findings.case_focus_tags_set(user=de, case=case, focus_tags=[tag.name])  # a summary with the tag's name
    findings.suspect_log(user=fr, operation=op, alias="Other team", notes=f"calls {PHONE}")
    match_pending()
    hit_decline(user=fr, hit=Hit.objects.get(), reason=ALL[:500])
    building.report_request(user=de, kind="case_file", operation=op, case=case)
    building.report_request(user=de, kind="team_report", operation=op, team="DE")
    return {"cast": cast, "case": case, "suspect": suspect, "victim": victim, "url": url, "account": account}


def log_in(page, live_server, user, justify_victim=None):
    """Put a session with both factors into the browser (the login itself is tested elsewhere)."""
    client = Client()
    client.force_login(user)
    if justify_victim is not None:  # the reason asked before a victim's record, given in this session
        client.post(reverse("finding_justify", args=[justify_victim.operation.code, "victim", justify_victim.pk]),
                    {"justification": f"Checking {PAYLOADS[0]}"})
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])


def watch(page):
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def visit(page, url, dialogs, must_show=PAYLOADS[0]):
    page.goto(url, wait_until="load")
    inspect(page, dialogs, must_show)


def inspect(page, dialogs, must_show=None):
    """The page as it is now: nothing ran, nothing was added, and (when given) the payload shows as text."""
    url = page.url
    page.wait_for_timeout(150)  # an onerror/onload would have fired by now
    result = page.evaluate(DOM_CHECK)
    assert not dialogs, f"{url}: a dialog opened: {dialogs}"
    assert not result["flag"], f"{url}: a payload ran"
    assert not result["bad"], f"{url}: {result['bad']}"
    if must_show:
        # The payload is there as text: the page really showed the field.
        assert must_show in page.content().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"), url


def analyst_pages(h):
    code = h["cast"].operation.code
    return [
        (reverse("operation_detail", args=[code]), PAYLOADS[0]),
        (reverse("workspace", args=[code]), PAYLOADS[0]),
        (reverse("case_detail", args=[code, h["case"].reference]), PAYLOADS[6]),
        (reverse("finding_detail", args=[code, "suspect", h["suspect"].pk]), PAYLOADS[2]),
        (reverse("finding_detail", args=[code, "victim", h["victim"].pk]), PAYLOADS[5]),
        (reverse("finding_detail", args=[code, "url", h["url"].pk]), PAYLOADS[5]),
        (reverse("finding_detail", args=[code, "account", h["account"].pk]), PAYLOADS[3]),
        (reverse("platform_checklist", args=[code]), PAYLOADS[3]),
        (reverse("hits:inbox", args=[code]) + "?status=all", PAYLOADS[5]),
        (reverse("report_list", args=[code]), None),
        (reverse("findings_import", args=[code]), None),
        (reverse("api:case-detail", args=[h["case"].pk]), None),
        (reverse("api:suspect-list"), None),
        (reverse("api:victim-detail", args=[h["victim"].pk]) + "?justification=Checking+the+record", None),
        (reverse("api:evidence-list"), None),
    ]


def test_payloads_stay_text_on_every_analyst_page(live_server, page, hostile):
    dialogs = watch(page)
    log_in(page, live_server, hostile["cast"].de, justify_victim=hostile["victim"])
    for path, shown in analyst_pages(hostile):
        visit(page, live_server.url + path, dialogs, shown)


def test_payloads_stay_text_on_the_coordinators_pages(live_server, page, hostile):
    cast = hostile["cast"]
    code = cast.operation.code
    dialogs = watch(page)
    log_in(page, live_server, cast.coordinator, justify_victim=hostile["victim"])
    for path, shown in [
        (reverse("dashboard", args=[code]), PAYLOADS[1]),  # recent activity: "focus tags: <payload>"
        (reverse("hits:board", args=[code]), PAYLOADS[5]),
        (reverse("audit:trail") + f"?operation={code}", PAYLOADS[0]),  # the declined hit's reason, a "why"
        (reverse("api:audit-event-list"), None),
        (reverse("case_detail", args=[code, hostile["case"].reference]), PAYLOADS[6]),
    ]:
        visit(page, live_server.url + path, dialogs, shown)


def test_payloads_typed_into_forms_come_back_as_text(live_server, page, hostile):
    """The answers that echo what was just sent: bulk paste results, import problems, a refused upload."""
    cast = hostile["cast"]
    code = cast.operation.code
    dialogs = watch(page)
    log_in(page, live_server, cast.de)
    page.goto(live_server.url + reverse("bulk_paste", args=[code]))
    page.fill("textarea[name=lines]", "\n".join(PAYLOADS))
    with page.expect_navigation():
        page.click("button:has-text('Log these lines')")
    inspect(page, dialogs)  # the refused lines are listed (and kept in the box)
    assert "scheme “javascript” is not http or https" in page.content()

    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["alias", "nationality", "notes", "case"])
    for payload in PAYLOADS:
        writer.writerow([payload, payload[:2], payload, payload])
    page.goto(live_server.url + reverse("findings_import", args=[code]))
    page.select_option("select[name=kind]", "suspects")
    page.set_input_files("input[name=file]", files=[{"name": f"{PAYLOADS[0]}.csv", "mimeType": "text/csv",
                                                     "buffer": rows.getvalue().encode()}])
    with page.expect_navigation():
        page.click("form.import-form button[type=submit]")
    assert page.locator(".import-rejected").count() == 1
    inspect(page, dialogs)

    page.goto(live_server.url + reverse("finding_detail", args=[code, "suspect", hostile["suspect"].pk]))
    page.fill("input[name=description]", PAYLOADS[1])
    page.set_input_files("input[name=file]", files=[{"name": f"{PAYLOADS[2]}.png", "mimeType": "image/png",
                                                     "buffer": b"<svg onload=alert(1)></svg>"}])
    with page.expect_navigation():
        page.locator("form.evidence-form button[type=submit]").click()
    assert "not a .png file" in page.content()
    inspect(page, dialogs)
