"""An import checks the whole file first: one bad row and nothing is saved, every problem listed."""

import pytest

from audit.models import AuditEvent
from audit.trail import verify_chain
from findings.models import DetectedUrl, PossibleVictim, SocialAccount, Suspect
from intake.imports import ImportRejected, import_findings

pytestmark = pytest.mark.django_db


def run(cast, kind, text, user=None, filename="rows.csv"):
    return import_findings(
        user=user or cast.de, operation=cast.operation, kind=kind, data=text.encode(), filename=filename
    )


def test_a_good_file_is_saved_whole_with_an_audit_event_per_row(cast):
    before = AuditEvent.objects.count()
    result = run(cast, "urls", "url,note\nhttps://a.example/1,first\nhxxps://b[.]example/2,second\n")
    assert (result.rows, result.created, result.existing) == (2, 2, 0)
    urls = DetectedUrl.objects.filter(operation=cast.operation, team="DE").order_by("url")
    assert [u.url for u in urls] == ["https://a.example/1", "https://b.example/2"]
    assert [u.created_by for u in urls] == [cast.de, cast.de]
    assert AuditEvent.objects.count() - before == 2
    assert set(AuditEvent.objects.filter(object_type="findings.detectedurl").values_list("object_id", flat=True)) == {
        str(u.pk) for u in urls
    }
    assert verify_chain() == []


def test_one_bad_row_and_nothing_is_saved(cast):
    text = "url,note\nhttps://good.example/1,ok\nnot a url,bad\nhttps://good.example/2,ok\nftp://x.example/,bad\n"
    with pytest.raises(ImportRejected) as rejected:
        run(cast, "urls", text)
    assert [(p.line, p.field) for p in rejected.value.problems] == [(3, "url"), (5, "url")]
    assert "contains spaces" in rejected.value.problems[0].reason
    assert "scheme “ftp” is not http or https" in rejected.value.problems[1].reason
    assert str(rejected.value).startswith("Nothing was imported: 2 problems were found")
    assert not DetectedUrl.objects.exists()


def test_every_problem_of_every_row_is_listed(cast):
    text = (
        "alias,role,nationality,age_estimate\n"
        "Dima,handler,UA,34\n"
        ",boss,QQ,200\n"  # three problems on one line, and a missing alias (XX is "stateless")
        "Sasha,recruiter,RO,abc\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        run(cast, "suspects", text)
    problems = [(p.line, p.field) for p in rejected.value.problems]
    assert problems == [(3, "alias"), (3, "role"), (3, "nationality"), (3, "age_estimate"), (4, "age_estimate")]
    assert not Suspect.objects.exists()


def test_line_numbers_count_blank_lines_and_multiline_cells(cast):
    text = 'alias,notes\nDima,"two\nlines"\n\nbad-age-row,\n,missing alias\n'
    with pytest.raises(ImportRejected) as rejected:
        run(cast, "suspects", text)
    assert [(p.line, p.field) for p in rejected.value.problems] == [(6, "alias")]


def test_a_case_reference_must_be_a_case_the_user_may_add_to(cast):
    own = cast.case_of(cast.de)
    other_team = cast.case_of(cast.fr)
    text = f"alias,case\nDima,{own.reference}\nSasha,{other_team.reference}\nIgor,C-NOSUCH\n"
    with pytest.raises(ImportRejected) as rejected:
        run(cast, "suspects", text)
    reasons = {p.line: p.reason for p in rejected.value.problems}
    assert set(reasons) == {3, 4}
    assert reasons[3] == reasons[4].replace("C-NOSUCH", other_team.reference)  # not yours = does not exist
    run(cast, "suspects", f"alias,case\nDima,{own.reference.lower()}\n")
    assert Suspect.objects.get(alias="Dima").case == own


def test_unknown_and_missing_columns_are_named(cast):
    with pytest.raises(ImportRejected) as rejected:
        run(cast, "social-accounts", "handle,colour\n@a,red\n")
    reasons = [p.reason for p in rejected.value.problems]
    assert "the column “platform” is missing" in reasons
    assert any("unknown column(s) colour" in r for r in reasons)


def test_a_prosecutor_cannot_import(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(cast, "urls", "url\nhttps://a.example/\n", user=cast.prosecutor)
    assert not DetectedUrl.objects.exists()


def test_each_kind_is_stored_as_the_pages_would_store_it(cast):
    accounts = "platform,handle,display_name\nescortguide.example,@Nina_VIP,Nina\nEscortGuide,nina2,\n"
    run(cast, "social-accounts", accounts)
    assert sorted(SocialAccount.objects.values_list("handle", flat=True)) == ["nina2", "nina_vip"]
    run(cast, "victims", "nationality,sex,age_band,is_minor\nro,Female,14-17,\nUA,male,25-34,no\n")
    minors = dict(PossibleVictim.objects.values_list("age_band", "is_minor"))
    assert minors == {"14-17": True, "25-34": False}
    assert all(v.code.startswith("V-") for v in PossibleVictim.objects.all())
    run(cast, "urls", "url\nhttps://www.escortguide.example/ad/1?utm_source=x\n")
    url = DetectedUrl.objects.get()
    assert (url.url, url.platform) == ("https://www.escortguide.example/ad/1", cast.platform)


def test_the_models_own_limits_are_checked_with_the_line(cast):
    with pytest.raises(ImportRejected) as rejected:
        run(cast, "suspects", "alias,notes\nDima,\n" + "x" * 201 + ",too long\n")
    assert [(p.line, p.field) for p in rejected.value.problems] == [(3, "alias")]
    assert "at most 200 characters" in rejected.value.problems[0].reason
    assert not Suspect.objects.exists()
