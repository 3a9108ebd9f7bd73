"""Bulk import of URLs, social accounts, suspects, possible victims and locations from CSV or JSON.

All or nothing: the whole file is read and every row checked before anything is saved; one bad
row and nothing is, and the answer names every problem with the line it is on. A file that
passes is saved in one transaction through ``findings_bulk_log``.

Importing the same file twice creates nothing new. A row that the team already holds is
recognised, not logged again:

- a URL by its canonical form, an account by platform and handle (as when typed in a page);
- a suspect by alias (ignoring letter case) and case;
- a location by its place, however spelt (``identifiers.places.location_key``);
- possible victims have no natural key, so they are counted: a file with three identical victim
  rows (same case, nationality, sex, age band, minor flag and notes) adds as many as the team
  holds fewer than three of. Rows that differ in any of those are different people.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from findings.exports import COLUMNS as EXPORTED
from findings.exports import COMMON
from findings.models import Case, DetectedUrl, Location, PossibleVictim, SocialAccount, Suspect, new_victim_code
from findings.services import findings_bulk_log
from identifiers.canonical import InvalidUrl, canonical_handle, canonical_url, platform_host_candidates
from identifiers.places import location_key
from operations.access import may_change, require_log_in
from operations.countries import NATIONALITY_NAMES
from platforms.models import Platform, PlatformDomain
from spreadsheets.reading import ImportRejected, Problem, read_rows

__all__ = ["ImportRejected", "Problem", "import_findings", "read_rows"]

MAX_ROWS = 50_000


KINDS = ("urls", "social-accounts", "suspects", "victims", "locations")
KIND_LABELS = {
    "urls": "URLs", "social-accounts": "social accounts", "suspects": "suspects", "victims": "possible victims",
    "locations": "locations",
}
# One record of each kind, as the audit trail's events say it ("URL logged by file import").
KIND_NOUNS = {"urls": "URL", "social-accounts": "social account", "suspects": "suspect", "victims": "possible victim",
              "locations": "location"}
# Required columns first. "case" takes a case reference (C-…) of the same operation.
COLUMNS = {
    "urls": (("url",), ("note", "case")),
    "social-accounts": (("platform", "handle"), ("display_name", "note", "case")),
    "suspects": (("alias",), ("role", "nationality", "age_estimate", "notes", "case")),
    "victims": ((), ("nationality", "sex", "age_band", "is_minor", "notes", "case")),
    "locations": ((), ("address", "city", "country", "note", "case")),
}


def exported_only(kind: str) -> set[str]:
    """Columns an export writes that an import does not take: ignored, so that an export imports back."""

    required, optional = COLUMNS[kind]
    return {name for name, _ in EXPORTED[kind] + COMMON} - set(required) - set(optional)


@dataclass
class ImportResult:
    kind: str
    rows: int = 0
    created: int = 0
    existing: int = 0
    records: list = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "rows": self.rows, "created": self.created, "existing": self.existing}


# --- checking each row ----------------------------------------------------------------------------

_TRUE = {"1", "true", "yes", "y", "x"}
_FALSE = {"", "0", "false", "no", "n"}


def _text(row, name) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise ValueError("must be text, not a list or object")
    return str(value).strip()


def _choice(value: str, choices) -> str:
    """A choice by its value or its label, ignoring letter case: "Handler" and "handler" alike."""
    if not value:
        return ""
    for stored, label in choices:
        if value.casefold() in (str(stored).casefold(), str(label).casefold()):
            return stored
    raise ValueError(f"“{value}” is not one of: {', '.join(str(v) for v, _ in choices)}")


def _country(value: str) -> str:
    code = value.upper()
    if code and code not in NATIONALITY_NAMES:
        raise ValueError(f"“{value}” is not a nationality code (ISO 3166-1 alpha-2 such as DE, or XX for stateless)")
    return code


class _Checker:
    """Turns the rows of one kind into unsaved records, collecting every problem on the way."""

    def __init__(self, *, user, operation, kind, team):
        self.user, self.operation, self.kind, self.team = user, operation, kind, team
        self.problems: list[Problem] = []
        self.cases: dict[str, Case | None] = {}

    def problem(self, line, name, reason):
        self.problems.append(Problem(line, name, str(reason)))

    def check_columns(self, header, line: int | None):
        required, optional = COLUMNS[self.kind]
        present = set(header) - exported_only(self.kind)
        for name in required:
            if name not in present:
                self.problem(line, name, f"the column “{name}” is missing")
        unknown = sorted(present - set(required) - set(optional))
        if unknown:
            expected = ", ".join(required + optional)
            self.problem(line, unknown[0], f"unknown column(s) {', '.join(unknown)}; the columns are: {expected}")

    def load_cases(self, rows):
        references = {_text(row, "case").upper() for _, row in rows if isinstance(row.get("case"), str | int)}
        references.discard("")
        found = Case.objects.visible_to(self.user).filter(operation=self.operation, reference__in=references)
        for case in found:
            self.cases[case.reference] = case if may_change(self.user, case) else None
        self.missing_cases = references - set(self.cases)

    def case_of(self, row, line):
        reference = _text(row, "case").upper()
        if not reference:
            return None
        if reference in self.missing_cases:
            raise ValueError(f"no case {reference} in this operation that you may see")
        case = self.cases[reference]
        if case is None:
            raise ValueError(f"you may not add to case {reference}")
        return case

    def check(self, rows) -> list:
        """(line, unsaved record) for every valid row, in file order."""
        build = getattr(self, "_" + self.kind.replace("-", "_"))
        records = []
        for line, row in rows:
            try:
                record = build(row, line)
                # The model's own rules (lengths, choices), with the line they fail on.
                record.clean_fields(exclude=[*_set_on_saving(type(record))])
                records.append((line, record))
            except _RowProblems as exc:
                for name, reason in exc.problems:
                    self.problem(line, name, reason)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    self.problem(line, name, messages[0])
        return records

    def _collect(self, row, line, fields):
        """Apply each (name, parse) to the row; raise every failure of the row at once."""
        values, problems = {}, []
        for name, parse in fields:
            try:
                values[name] = parse(row, line)
            except (ValueError, ValidationError) as exc:
                reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                problems.append((name, reason))
        if problems:
            raise _RowProblems(problems)
        return values

    def _urls(self, row, line):
        def url(row, line):
            raw = _text(row, "url")
            if not raw:
                raise ValueError("empty: every row needs a URL")
            try:
                return canonical_url(raw)
            except InvalidUrl as exc:
                raise ValueError(f"not a URL: {exc}") from None

        values = self._collect(row, line, [("url", url), ("note", lambda r, _: _text(r, "note")),
                                           ("case", self.case_of)])
        (address, host), case = values["url"], values["case"]
        return DetectedUrl(url=address, host=host, platform=self.platform_for_host(host), case=case,
                           note=values["note"])

    def _social_accounts(self, row, line):
        def platform(row, line):
            return self.platform_named(_text(row, "platform"))

        def handle(row, line):
            return canonical_handle(_text(row, "handle"))

        values = self._collect(row, line, [
            ("platform", platform), ("handle", handle), ("display_name", lambda r, _: _text(r, "display_name")),
            ("note", lambda r, _: _text(r, "note")), ("case", self.case_of),
        ])
        return SocialAccount(**values)

    def _suspects(self, row, line):
        def alias(row, line):
            text = _text(row, "alias")
            if not text:
                raise ValueError("empty: every suspect needs an alias")
            return text

        def age(row, line):
            value = row.get("age_estimate")
            if value in (None, ""):
                return None
            if isinstance(value, bool):
                raise ValueError("must be a whole number")
            try:
                number = int(str(value).strip())
            except ValueError:
                raise ValueError(f"“{value}” is not a whole number") from None
            if not 0 <= number <= 120:
                raise ValueError("must be between 0 and 120")
            return number

        values = self._collect(row, line, [
            ("alias", alias), ("role", lambda r, _: _choice(_text(r, "role"), Suspect.Role.choices)),
            ("nationality", lambda r, _: _country(_text(r, "nationality"))), ("age_estimate", age),
            ("notes", lambda r, _: _text(r, "notes")), ("case", self.case_of),
        ])
        values["role"] = values["role"] or Suspect.Role.UNKNOWN
        return Suspect(**values)

    def _victims(self, row, line):
        def minor(row, line):
            value = row.get("is_minor")
            if isinstance(value, bool):
                return value
            text = "" if value is None else str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError(f"“{value}” is not yes or no")

        values = self._collect(row, line, [
            ("nationality", lambda r, _: _country(_text(r, "nationality"))),
            ("sex", lambda r, _: _choice(_text(r, "sex"), PossibleVictim.Sex.choices)),
            ("age_band", lambda r, _: _choice(_text(r, "age_band"), PossibleVictim.AgeBand.choices)),
            ("is_minor", minor), ("notes", lambda r, _: _text(r, "notes")), ("case", self.case_of),
        ])
        values["sex"] = values["sex"] or PossibleVictim.Sex.UNKNOWN
        values["age_band"] = values["age_band"] or PossibleVictim.AgeBand.UNKNOWN
        if values["age_band"] in PossibleVictim.MINOR_BANDS:
            if row.get("is_minor") not in (None, "") and not values["is_minor"]:
                raise _RowProblems([("is_minor", "an age band under 18 means the person is a minor")])
            values["is_minor"] = True
        return PossibleVictim(**values)

    def _locations(self, row, line):
        values = self._collect(row, line, [
            ("address", lambda r, _: " ".join(_text(r, "address").split())),
            ("city", lambda r, _: " ".join(_text(r, "city").split())),
            ("country", lambda r, _: _country(_text(r, "country"))), ("note", lambda r, _: _text(r, "note")),
            ("case", self.case_of),
        ])
        if not (values["address"] or values["city"]):
            raise _RowProblems([("city", "empty: every location needs an address or a city")])
        key = location_key(address=values["address"], city=values["city"], country=values["country"])
        return Location(key=key, **values)

    # The platform catalogue is small: read it once instead of once per row.
    def platform_for_host(self, host):
        if not hasattr(self, "_domains"):
            self._domains = dict(PlatformDomain.objects.values_list("domain", "platform_id"))
            self._platforms = {p.pk: p for p in Platform.objects.all()}
        for candidate in platform_host_candidates(host):
            if candidate in self._domains:
                return self._platforms[self._domains[candidate]]
        return None

    def platform_named(self, text):
        if not text:
            raise ValueError("empty: give the platform's name or domain")
        if not hasattr(self, "_by_name"):
            self._by_name = {p.name.casefold(): p for p in Platform.objects.all()}
        platform = self._by_name.get(text.casefold())
        if platform is None and "." in text:
            platform = self.platform_for_host(text.lower().removeprefix("www."))
        if platform is None:
            raise ValueError(f"no platform “{text}” in the catalogue (GET /api/v1/platforms/ lists them)")
        return platform


def _set_on_saving(model) -> list[str]:
    """Fields the row does not give: related records (resolved here), and what saving sets."""
    return [f.name for f in model._meta.concrete_fields if f.is_relation] + ["team", "code"]


class _RowProblems(Exception):  # noqa: N818
    def __init__(self, problems):
        self.problems = problems


# --- recognising what the team holds already --------------------------------------------------------


def _in_chunks(values, size=5000):
    values = list(values)
    return [values[i : i + size] for i in range(0, len(values), size)]


def _new_only(kind, records, *, operation, team):
    """The records that are not yet held by the team, nor repeated earlier in the file."""
    if kind == "urls":
        key = lambda r: r.url  # noqa: E731
        held = set()
        for chunk in _in_chunks({r.url for r in records}):
            held.update(
                DetectedUrl.objects.filter(operation=operation, team=team, url__in=chunk).values_list("url", flat=True)
            )
    elif kind == "social-accounts":
        key = lambda r: (r.platform_id, r.handle)  # noqa: E731
        held = set()
        for chunk in _in_chunks({r.handle for r in records}):
            held.update(
                SocialAccount.objects.filter(operation=operation, team=team, handle__in=chunk)
                .values_list("platform_id", "handle")
            )
    elif kind == "locations":
        key = lambda r: r.key  # noqa: E731
        held = set(Location.objects.filter(operation=operation, team=team).values_list("key", flat=True))
    elif kind == "suspects":
        key = lambda r: (r.alias.casefold(), r.case_id)  # noqa: E731
        held = {
            (alias.casefold(), case_id)
            for alias, case_id in Suspect.objects.filter(operation=operation, team=team).values_list("alias", "case_id")
        }
    else:
        return _new_victims(records, operation=operation, team=team)
    new, seen = [], set(held)
    for record in records:
        if key(record) not in seen:
            seen.add(key(record))
            new.append(record)
    return new


_VICTIM_KEY = ("case_id", "nationality", "sex", "age_band", "is_minor", "notes")


def _new_victims(records, *, operation, team):
    held = Counter(
        PossibleVictim.objects.filter(operation=operation, team=team).values_list(*_VICTIM_KEY)
    )
    new = []
    for record in records:
        key = tuple(getattr(record, name) for name in _VICTIM_KEY)
        if held[key] > 0:
            held[key] -= 1  # this row is a victim the team holds already
        else:
            new.append(record)
    _give_unique_codes(new, operation)
    return new


def _give_unique_codes(victims, operation):
    """Random codes, unique in the operation (a clash is rare, but in 10,000 rows not negligible)."""
    pending = victims
    while pending:
        codes = {}
        for victim in pending:
            code = new_victim_code()
            while code in codes:
                code = new_victim_code()
            victim.code, codes[code] = code, victim
        taken = set()
        for chunk in _in_chunks(codes):
            rows = PossibleVictim.objects.filter(operation=operation, code__in=chunk)
            taken.update(rows.values_list("code", flat=True))
        pending = [codes[c] for c in taken]


# --- the import --------------------------------------------------------------------------------------


def import_findings(*, user, operation, kind: str, data: bytes, filename: str = "", format: str = "") -> ImportResult:
    """Check the whole file, then save every row or none. Raises ImportRejected with every problem."""
    if kind not in KINDS:
        raise ValidationError(f"Unknown kind of import “{kind}”; one of: {', '.join(KINDS)}.")
    membership = require_log_in(user, operation)  # a prosecutor or a closed operation: refused before reading
    header, rows = read_rows(data, filename=filename, format=format)
    checker = _Checker(user=user, operation=operation, kind=kind, team=membership.team)
    if header is not None:
        checker.check_columns(header, 1)
    else:
        for line, row in rows:
            checker.check_columns(row, line)
    if checker.problems:
        raise ImportRejected(checker.problems)
    if not rows:
        raise ImportRejected([Problem(None, "", "the file holds no rows")])
    if len(rows) > MAX_ROWS:
        raise ImportRejected([Problem(None, "", f"{len(rows):,} rows; at most {MAX_ROWS:,} are taken at once")])
    checker.load_cases(rows)
    records = checker.check(rows)
    if checker.problems:
        raise ImportRejected(checker.problems)

    result = ImportResult(kind=kind, rows=len(rows))
    try:
        with transaction.atomic():
            new = _new_only(kind, [record for _, record in records], operation=operation, team=membership.team)
            result.records = findings_bulk_log(
                user=user, operation=operation, records=new, summary=f"{KIND_NOUNS[kind]} logged by file import"
            )
    except IntegrityError:
        # Someone saved some of the same rows in the same moment; a second try recognises them.
        raise ValidationError(
            "Some of these rows were saved by someone else at the same moment. Nothing was imported: "
            "import the file again, and the rows already saved will be recognised."
        ) from None
    result.created = len(result.records)
    result.existing = result.rows - result.created
    return result
