"""Retention: a closed operation's personal data is erased after RETENTION_DAYS; the figures stay, the
files go, the erasure is audited with counts only, and nothing else is touched."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from api.models import IdempotencyKey
from audit.models import AuditEvent
from audit.trail import verify_chain
from config.celery import app
from findings import services as findings
from findings.models import Case, DetectedUrl, Evidence, Hit, PossibleVictim, Selector, SocialAccount, Suspect
from hits.matching import match_pending
from operations.models import Operation
from operations.services import operation_close, operation_start
from platforms.models import PlatformCheck
from reports import building
from reports.models import Report
from reports.statistics import compile_figures
from retention.services import erase_expired, operations_due
from retention.tasks import erase_expired as erase_expired_task

from .cast import make_operation
from .markers import found_in, marked_family

pytestmark = pytest.mark.django_db

YEARS_AGO = timezone.now() - dt.timedelta(days=3 * 365)
FINDINGS = [Case, Suspect, PossibleVictim, DetectedUrl, SocialAccount, Evidence, Selector]


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)},
    }}
    settings.RETENTION_DAYS = 730
    return tmp_path


@pytest.fixture
def ended(cast):
    """The cast's operation with two teams' marked findings, a cross-border hit and three reports,
    closed three years ago."""
    de = marked_family(cast, cast.de, tag="zqde")
    fr = marked_family(cast, cast.fr, tag="zqfr")
    match_pending()
    assert Hit.objects.count() == 1
    findings.case_share_with_prosecutor(user=cast.de, case=de["case"], prosecutor=cast.prosecutor)
    reports = [
        building.report_request(user=cast.prosecutor, kind="case_file", operation=cast.operation, case=de["case"]),
        building.report_request(user=cast.fr, kind="team_report", operation=cast.operation, team="FR"),
        building.report_request(user=cast.coordinator, kind="operation_summary", operation=cast.operation),
    ]
    for report in reports:
        building.report_build(report.pk)
    operation_close(user=cast.coordinator, operation=cast.operation)
    Operation.objects.filter(pk=cast.operation.pk).update(closed_at=YEARS_AGO)
    return {"de": de, "fr": fr, "markers": de.markers | fr.markers,
            "reports": {r.kind: Report.objects.get(pk=r.pk) for r in reports}}


@pytest.fixture
def erase(django_capture_on_commit_callbacks):
    """``erase_expired`` as the beat runs it: files are deleted once the erasure has committed."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return erase_expired(**kwargs)

    return run


def stored_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_the_published_figures_are_identical_before_and_after_the_erasure(cast, ended, erase, client):
    before = compile_figures(cast.operation)
    assert before["totals"]["victims"] == 2 and before["totals"]["cases_referred"] == 2
    erase()
    cast.operation.refresh_from_db()
    assert cast.operation.erased_at is not None
    assert compile_figures(cast.operation) == before
    # The dashboard (and "recompute now") read the frozen figures too.
    client.force_login(cast.coordinator)
    client.post(reverse("dashboard_recompute", args=[cast.operation.code]))
    html = client.get(reverse("dashboard", args=[cast.operation.code])).content.decode()
    assert "potential victims of human trafficking identified" in html
    assert compile_figures(cast.operation) == before


def test_every_record_of_a_person_is_gone_and_check_notes_are_emptied(cast, ended, erase):
    erase()
    for model in FINDINGS:
        assert not model.objects.filter(operation=cast.operation).exists(), model
    assert not Hit.objects.exists()
    assert set(Report.objects.filter(operation=cast.operation).values_list("kind", flat=True)) == {"operation_summary"}
    checks = PlatformCheck.objects.filter(operation=cast.operation)
    assert checks.count() == 2 and set(checks.values_list("note", flat=True)) == {""}
    assert set(checks.values_list("status", flat=True)) == {"checked"}  # the monitoring itself stays


def test_the_files_are_gone_from_storage_but_the_summary_report(cast, ended, storage, erase):
    evidence_files = set(Evidence.objects.values_list("file", flat=True))
    reports = ended["reports"]
    assert len(evidence_files) == 6 and evidence_files <= stored_files(storage)
    orphan = storage / f"evidence/{cast.operation.pk}/left-by-a-crashed-upload"
    orphan.write_bytes(b"x")
    erase()
    left = stored_files(storage)
    assert not evidence_files & left
    assert not any(name.startswith(f"evidence/{cast.operation.pk}/") for name in left)
    assert reports["case_file"].file.name not in left and reports["team_report"].file.name not in left
    assert left == {reports["operation_summary"].file.name}


def test_the_erasure_is_one_audited_event_with_counts_and_no_erased_data(cast, ended, erase):
    selectors = Selector.objects.filter(operation=cast.operation).count()
    erase()
    [event] = AuditEvent.objects.filter(action="erase", object_type="operations.operation")
    assert (event.actor, event.actor_name, event.operation_id) == (None, "system", cast.operation.pk)
    assert event.summary == (
        "personal data erased after the retention period — cases: 2, suspects: 2, possible victims: 2, URLs: 2, "
        f"social accounts: 2, locations: 0, evidence files: 6, page captures: 0, selectors: {selectors}, "
        "cross-border hits: 1, "
        "reports: 2, platform check notes: 2"
    )
    assert "730 days" in event.justification
    assert verify_chain() == []
    for row in AuditEvent.objects.values("actor_name", "team", "object_type", "object_id", "summary",
                                         "justification"):
        assert not found_in(" ".join(map(str, row.values())), ended["markers"]), row


def test_open_and_recently_closed_operations_are_untouched(cast, ended, storage, erase):
    active = marked_family(cast, cast.outsider, tag="zqop", operation=cast.other_operation)
    recent = make_operation(status=Operation.Status.CLOSED)
    Operation.objects.filter(pk=recent.pk).update(closed_at=timezone.now() - dt.timedelta(days=10))
    counts = {model: model.objects.filter(operation=cast.other_operation).count() for model in FINDINGS}
    files = set(Evidence.objects.filter(operation=cast.other_operation).values_list("file", flat=True))
    erasures = erase()
    assert [e.operation for e in erasures] == [cast.operation]
    assert {model: model.objects.filter(operation=cast.other_operation).count() for model in FINDINGS} == counts
    assert files <= stored_files(storage)
    assert Case.objects.get(pk=active["case"].pk).title.startswith("zqoptitle")
    assert Operation.objects.get(pk=recent.pk).erased_at is None
    assert Operation.objects.get(pk=cast.other_operation.pk).erased_at is None


def test_the_period_runs_from_the_closing_not_from_the_end_date(cast, settings):
    Operation.objects.filter(pk=cast.operation.pk).update(ends_at=YEARS_AGO, starts_at=YEARS_AGO)
    operation_close(user=cast.coordinator, operation=cast.operation)  # closed today, ended three years ago
    assert not operations_due().exists()
    Operation.objects.filter(pk=cast.operation.pk).update(closed_at=None)  # closed before closed_at was kept
    assert list(operations_due()) == [cast.operation]


def test_a_dry_run_changes_nothing_and_says_what_would_go(cast, ended, storage):
    files = stored_files(storage)
    events = AuditEvent.objects.count()
    out = StringIO()
    call_command("erase_expired", "--dry-run", stdout=out)
    assert f"{cast.operation.code}: would be erased: cases: 2, suspects: 2, possible victims: 2" in out.getvalue()
    assert "dry run" in out.getvalue()
    assert Case.objects.filter(operation=cast.operation).count() == 2
    assert stored_files(storage) == files
    assert AuditEvent.objects.count() == events
    assert Operation.objects.get(pk=cast.operation.pk).erased_at is None


def test_the_command_erases_and_a_second_run_finds_nothing(cast, ended):
    out = StringIO()
    call_command("erase_expired", stdout=out)
    assert f"{cast.operation.code}: erased: cases: 2" in out.getvalue()
    out = StringIO()
    call_command("erase_expired", stdout=out)
    assert "0 operation(s) erased" in out.getvalue()
    assert AuditEvent.objects.filter(action="erase", object_type="operations.operation").count() == 1


def test_retention_days_zero_erases_nothing(cast, ended, settings, erase):
    settings.RETENTION_DAYS = 0
    assert erase() == []
    assert Case.objects.filter(operation=cast.operation).count() == 2
    out = StringIO()
    call_command("erase_expired", stdout=out)
    assert "Retention is off" in out.getvalue()


def test_an_erased_operation_cannot_be_reopened(cast, ended, erase):
    erase()
    with pytest.raises(ValidationError, match="erased"):
        operation_start(user=cast.coordinator, operation=Operation.objects.get(pk=cast.operation.pk))


def test_the_beat_task_erases_and_expired_idempotency_keys_go_too(cast, ended):
    IdempotencyKey.objects.create(user=cast.de, key="old", fingerprint="0" * 64, status_code=201,
                                  response={"alias": "zqdealias"}, created_at=timezone.now() - dt.timedelta(days=2))
    IdempotencyKey.objects.create(user=cast.de, key="new", fingerprint="0" * 64, status_code=201, response={})
    assert erase_expired_task.apply().get() == [cast.operation.code]
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert erase_expired_task.apply().get() == []


def test_the_beat_runs_the_erasure_every_hour():
    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["erase-expired-personal-data"]
    assert (entry["task"], entry["schedule"]) == ("retention.erase_expired", 3600.0)
    assert app.tasks[entry["task"]].name == erase_expired_task.name
