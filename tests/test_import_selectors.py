"""Imported findings carry their selectors for cross-border matching, exactly as if typed in a page."""

import pytest

from findings.models import DetectedUrl, Selector, SocialAccount, Suspect
from findings.selector_rows import selectors_of, selectors_wanted
from intake.imports import import_findings

pytestmark = pytest.mark.django_db


def stored(finding):
    return {(s.kind, s.value) for s in selectors_of(finding)}


def wanted(finding):
    return {(f.kind, f.value) for f in selectors_wanted(finding)}


def test_each_imported_finding_has_the_selectors_the_pages_would_store(cast):
    urls = (
        "url,note\n"
        "https://escortguide.example/ad/1,call +49 151 23456789\n"  # a catalogue host: no host selector
        "https://www.lonely-hearts.example/p/2,\n"
        "https://t.me/nightqueen_bookings,\n"
    )
    import_findings(user=cast.de, operation=cast.operation, kind="urls", data=urls.encode())
    import_findings(user=cast.de, operation=cast.operation, kind="social-accounts",
                    data=b"platform,handle,note\nEscortGuide,@Nina_VIP,mail nina@example.org\n")
    import_findings(user=cast.de, operation=cast.operation, kind="suspects",
                    data=b"alias,notes\nDima,WhatsApp 0151 98765432\n")
    findings = [*DetectedUrl.objects.all(), *SocialAccount.objects.all(), *Suspect.objects.all()]
    assert len(findings) == 5
    for finding in findings:
        assert stored(finding) == wanted(finding), finding
    assert ("phone", "+4915123456789") in stored(DetectedUrl.objects.get(url="https://escortguide.example/ad/1"))
    assert not Selector.objects.filter(kind="url_host", value="escortguide.example").exists()
    assert Selector.objects.filter(kind="url_host", value="lonely-hearts.example").exists()
    assert set(Selector.objects.values_list("matched_at", flat=True)) == {None}  # pending for the matching job


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_import_that_repeats_another_teams_url_raises_a_hit(celery_worker):
    import time

    from findings import services as findings
    from findings.models import Hit

    from .cast import build_cast

    cast = build_cast()
    findings.url_log(user=cast.fr, operation=cast.operation, raw_url="https://lonely-hearts.example/p/2")
    Hit.objects.all().delete()
    import_findings(user=cast.de, operation=cast.operation, kind="urls",
                    data=b"url\nhxxps://lonely-hearts[.]example/p/2\n")  # the matching job runs after the commit
    deadline = time.monotonic() + 40
    while not Hit.objects.filter(value="https://lonely-hearts.example/p/2").exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    hit = Hit.objects.get(value="https://lonely-hearts.example/p/2")
    assert {hit.team_a, hit.team_b} == {"DE", "FR"}
