"""Article 25: every collection, alteration, consultation, disclosure, combination and erasure is on
the trail with who, when and why — and no event carries a copy of the data it is about."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from findings import services as findings
from findings.duplicates import suspects_link_duplicates
from findings.models import Hit
from hits.matching import match_pending
from hits.services import hit_decline, hit_share
from operations.models import Operation
from operations.services import operation_close
from reports import building
from retention.services import erase_expired

from .api_client import api_as, url
from .markers import found_in, marked_family

pytestmark = pytest.mark.django_db

REASON = "Comparing with our own case before the hit answer"


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}


def events(action, object_type, **filters):
    return AuditEvent.objects.filter(action=action, object_type=object_type, **filters)


def whole_life(cast, client):
    """Everything that happens to personal data in an operation, through the pages, the API and the jobs."""
    de = marked_family(cast, cast.de, tag="zqde")                        # collection, alteration (referral)
    fr = marked_family(cast, cast.fr, tag="zqfr")
    match_pending()                                                        # combination: a cross-border hit
    hit = Hit.objects.get()
    hit_share(user=cast.de, hit=hit)                                       # disclosure: DE shares its case
    hit_decline(user=cast.fr, hit=hit, reason="Undercover operation still running")
    suspects_link_duplicates(user=cast.coordinator, suspect=fr["suspect"], duplicate_of=de["suspect"])
    other_case = cast.case_of(cast.de, title="Second lead")
    findings.link_to_case(user=cast.de, finding=de["url"], case=other_case)  # combination: linked to a case
    findings.case_update(user=cast.de, case=other_case, expected_version=other_case.version, summary="More")
    findings.case_share_with_prosecutor(user=cast.de, case=de["case"], prosecutor=cast.prosecutor)
    client.force_login(cast.coordinator)                                   # consultations on the pages
    client.get(reverse("case_detail", args=[cast.operation.code, de["case"].reference]))
    client.get(reverse("finding_detail", args=[cast.operation.code, "suspect", fr["suspect"].pk]))
    client.post(reverse("finding_justify", args=[cast.operation.code, "victim", fr["victim"].pk]),
                {"justification": REASON})
    client.get(reverse("finding_detail", args=[cast.operation.code, "victim", fr["victim"].pk]))
    client.get(reverse("evidence_download", args=[cast.operation.code, fr["evidence"].pk]))
    api = api_as(cast.coordinator)                                         # consultations and disclosures, API
    api.get(url("case-detail", fr["case"].pk))
    api.get(url("victim-detail", de["victim"].pk), HTTP_X_JUSTIFICATION=REASON)
    api.get(url("evidence-detail", de["evidence"].pk))
    b"".join(api.get(url("victim-export"), HTTP_X_JUSTIFICATION=REASON).streaming_content)
    api.get(url("case-bundle", de["case"].pk), HTTP_X_JUSTIFICATION=REASON)
    report = building.report_request(user=cast.prosecutor, kind="case_file", operation=cast.operation,
                                     case=de["case"])
    building.report_build(report.pk)
    report.refresh_from_db()
    building.report_disclose(user=cast.prosecutor, report=report).close()
    summary = building.report_request(user=cast.coordinator, kind="operation_summary", operation=cast.operation)
    building.report_build(summary.pk)
    summary.refresh_from_db()
    building.report_disclose(user=cast.coordinator, report=summary).close()
    findings.finding_delete(user=cast.de, finding=findings.suspect_log(user=cast.de, operation=cast.operation,
                                                                        alias="zqdetypo"))
    operation_close(user=cast.coordinator, operation=cast.operation)
    Operation.objects.filter(pk=cast.operation.pk).update(closed_at=timezone.now() - dt.timedelta(days=800))
    erase_expired()                                                        # erasure
    return de, fr


def test_each_kind_of_processing_is_recorded_with_who_when_and_why(cast, client):
    start = timezone.now()
    de, fr = whole_life(cast, client)
    expected = {
        ("collect", "findings.suspect"), ("collect", "findings.possiblevictim"), ("collect", "findings.evidence"),
        ("alter", "findings.case"), ("combine", "findings.hit"), ("combine", "findings.suspect"),
        ("combine", "findings.detectedurl"), ("disclose", "findings.case"), ("disclose", "findings.hit"),
        ("disclose", "findings.possiblevictim"), ("disclose", "reports.report"), ("consult", "findings.case"),
        ("consult", "findings.suspect"), ("consult", "findings.possiblevictim"), ("consult", "findings.evidence"),
        ("erase", "findings.suspect"), ("erase", "operations.operation"),
    }
    assert expected <= set(AuditEvent.objects.values_list("action", "object_type"))
    # Who and when on every event; the team and the operation wherever a finding is concerned.
    for event in AuditEvent.objects.filter(object_type__startswith="findings."):
        assert event.actor_name and start <= event.at <= timezone.now()
        assert event.operation_id == cast.operation.pk
        assert event.team in ("DE", "FR", "NL") or event.object_type == "findings.hit"
    # Why: the reason for a victim's record, the reason of a declined hit, the retention rule.
    # (A list that named victims by code only carries no reason: it showed nothing but the codes.)
    read = events("consult", "findings.possiblevictim").exclude(summary__contains="(codes only)").exclude(
        summary__contains="printed in case file")  # the case file prints victims by code only
    assert set(read.values_list("justification", flat=True)) == {REASON}
    assert events("combine", "findings.hit", justification="Undercover operation still running").exists()
    assert "retention period" in events("erase", "operations.operation").get().justification
    # The trail names who consulted: the coordinator's page and API reads.
    assert events("consult", "findings.possiblevictim", actor=cast.coordinator).exclude(object_id="").count() == 2


def test_no_event_holds_a_copy_of_the_data_it_is_about(cast, client):
    de, fr = whole_life(cast, client)
    markers = de.markers | fr.markers
    # Case references are identifiers, like ids: summaries may name them ("linked to case C-…").
    markers = {name: marker for name, marker in markers.items() if name != "reference"}
    for event in AuditEvent.objects.all():
        text = " ".join(str(v) for v in (event.actor_name, event.team, event.object_type, event.object_id,
                                          event.summary, event.justification))
        assert not found_in(text, markers), (event.seq, event.action, event.summary)
