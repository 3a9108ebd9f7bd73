"""Import reads CSV as spreadsheets save it and JSON as scripts write it, and says where it cannot."""

import json

import pytest

from findings.models import DetectedUrl, Suspect
from intake.imports import ImportRejected, import_findings

pytestmark = pytest.mark.django_db


def run(cast, kind, data: bytes, filename=""):
    return import_findings(user=cast.de, operation=cast.operation, kind=kind, data=data, filename=filename)


def test_excel_csv_with_bom_and_semicolons(cast):
    data = "\ufeffAlias;Role;Nationality\r\nDima;Handler;ua\r\nSasha;recruiter;RO\r\n".encode()
    result = run(cast, "suspects", data, "suspects.csv")
    assert result.created == 2
    assert dict(Suspect.objects.values_list("alias", "role")) == {"Dima": "handler", "Sasha": "recruiter"}
    assert Suspect.objects.get(alias="Dima").nationality == "UA"


def test_json_rows_report_the_line_their_object_starts_on(cast):
    rows = [{"alias": "Dima", "age_estimate": 30}, {"alias": "Sasha", "age_estimate": 300}]
    text = json.dumps(rows, indent=2)
    with pytest.raises(ImportRejected) as rejected:
        run(cast, "suspects", text.encode(), "s.json")
    second_object_line = text.splitlines().index("  {", 2) + 1
    assert [(p.line, p.field) for p in rejected.value.problems] == [(second_object_line, "age_estimate")]


def test_json_is_recognised_without_a_name(cast):
    result = run(cast, "urls", b'[{"url": "https://a.example/"}, {"url": "b.example/x", "note": "n"}]')
    assert result.created == 2
    assert DetectedUrl.objects.get(url="https://b.example/x").note == "n"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\xff\xfe\x00a\x00l", "not UTF-8"),
        (b'[{"url": "https://a.example/"}', "not closed"),
        (b'{"url": "https://a.example/"}', "array of objects"),
        (b'["https://a.example/"]', "must be an object"),
        (b"url\n", "holds no rows"),
        (b"", "the file is empty"),
    ],
)
def test_unreadable_files_are_refused_with_the_reason(cast, data, reason):
    with pytest.raises(ImportRejected) as rejected:
        run(cast, "urls", data)
    assert reason in rejected.value.problems[0].reason
    assert not DetectedUrl.objects.exists()


def test_a_row_with_more_cells_than_the_header_is_refused(cast):
    with pytest.raises(ImportRejected) as rejected:
        run(cast, "urls", b"url\nhttps://a.example/,extra\n")
    assert rejected.value.problems[0].line == 2


def test_formula_looking_cells_are_stored_as_text(cast):
    run(cast, "suspects", b'alias,notes\n=HYPERLINK("x"),+1 call\n')
    assert Suspect.objects.get().alias == '=HYPERLINK("x")'
