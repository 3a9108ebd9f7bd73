"""Pasted text is escaped everywhere; URLs from findings are shown defanged, never as links or images."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.services import evidence_attach
from findings import services as findings

from .cast import PNG

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(cast):
    """Findings whose every free-text field carries markup, as if pasted from a hostile page."""
    de, op = cast.de, cast.operation
    case = cast.case_of(de, title=f"Case {XSS}", summary=f"Summary {XSS}")
    findings.suspect_log(user=de, operation=op, alias=f"Alias {XSS}", notes=f"Notes {XSS}", case=case)
    url, _ = findings.url_log(user=de, operation=op, raw_url='https://escortguide.example/a"><script>alert(2)</script>',
                              note=f"Note {XSS}", case=case)
    account, _ = findings.account_log(user=de, operation=op, platform=cast.platform, handle="evil<b>x</b>",
                                      display_name=f"Name {XSS}", case=case)
    evidence_attach(user=de, finding=case, upload=SimpleUploadedFile(f"shot{XSS}.png", PNG),
                    description=f"Shot {XSS}", source_url="https://escortguide.example/source")
    return {"case": case, "url": url, "account": account}


def pages(cast, hostile):
    code = cast.operation.code
    return [
        reverse("workspace", args=[code]),
        reverse("workspace", args=[code]) + "?q=" + "%3Cscript%3E",
        reverse("case_detail", args=[code, hostile["case"].reference]),
        reverse("finding_detail", args=[code, "url", hostile["url"].pk]),
        reverse("finding_detail", args=[code, "account", hostile["account"].pk]),
    ]


def test_pasted_markup_is_escaped_on_every_page(client, cast, hostile):
    client.force_login(cast.de)
    for path in pages(cast, hostile):
        html = client.get(path).content.decode()
        assert "<script>alert" not in html, path
        assert "<img" not in html, path  # no page of ours shows an image, least of all a pasted one
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html, path


def test_urls_are_shown_defanged_and_never_linked(client, cast, hostile):
    client.force_login(cast.de)
    for path in pages(cast, hostile):
        html = client.get(path).content.decode()
        # The suspect's host never appears in live form, and no attribute points outside.
        assert "escortguide.example" not in html, path
        assert not re.search(r'(href|src|action|hx-get|hx-post)="(https?:)?//', html), path
    html = client.get(pages(cast, hostile)[2]).content.decode()
    assert "hxxps://escortguide[.]example/a%22%3E%3Cscript%3Ealert(2)%3C/script%3E" in html
    assert "hxxps://escortguide[.]example/source" in html


def test_bulk_result_escapes_and_defangs_the_pasted_lines(client, cast):
    client.force_login(cast.de)
    lines = f"https://escortguide.example/ok\n{XSS}\njavascript:alert(1)"
    response = client.post(reverse("bulk_paste", args=[cast.operation.code]), {"lines": lines, "lines_are": "urls"})
    html = response.content.decode()
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "hxxps://escortguide[.]example/ok" in html
    assert "escortguide.example" not in html
