"""The case file for prosecutors: one case with everything that hangs off it, and its history.

Everything is read through ``visible_to(requester)``: the file holds what the person who asked
may see, nothing more. Victims appear by pseudonymous code only (their particulars and notes are
left out); the suspects and victims it prints are named in the audit trail when it is built; URLs
are printed defanged; each evidence file with its SHA-256, capture time and who captured it; the
timeline is the case's audit trail (the case and what hangs off it, downloads of its case file included).
"""

from collections import Counter
from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from evidence.capturing import captures_of
from evidence.models import Capture
from findings.case_reader import CaseAsSeen, read_case
from findings.models import Case, PossibleVictim, Suspect
from identifiers.canonical import defang
from operations.consultations import record_shown, shown_rows
from operations.countries import country_name

from .captures import captures_section
from .common import (
    Handling,
    ReportMeta,
    closing_block,
    cover,
    empty,
    handling_label,
    handling_section,
    section,
)
from .people import People, person, team_label
from .style import FONT, FONT_MONO, ZEBRA, fmt_time, para
from .tables import data_table, facts_table, list_table, wrap_text


class CaseNotVisible(Exception):
    """The requester can no longer see the case (a share was withdrawn after the request)."""


@dataclass
class CaseFile(CaseAsSeen):
    """The case as the requester sees it, and the finished page captures of its URLs."""

    captures: list = field(default_factory=list)


def read(user, report) -> CaseFile:
    """Everything the case file prints: the case as the requester sees it (``findings.case_reader``),
    the same reader the case page and the JSON bundle use, and its page captures (``evidence.capturing``)."""
    case = (
        Case.objects.visible_to(user).filter(pk=report.case_id).select_related("created_by", "operation").first()
    )
    if case is None:
        raise CaseNotVisible("The requester can no longer see this case (was a share withdrawn?).")
    seen = read_case(user=user, case=case)
    # The persons the file prints, named in the trail (its download is recorded as a disclosure of the case).
    for model, records in ((Suspect, seen.suspects), (PossibleVictim, seen.victims)):
        record_shown(user=user, model=model, rows=shown_rows(records), how=f"printed in case file {report.pk}")
    captures = captures_of(user, case=case).filter(status=Capture.Status.DONE).order_by("started_at", "pk")
    return CaseFile(**vars(seen), captures=list(captures))


def handling_of(data) -> Handling:
    case = data.case
    return Handling.of_cases([(case.reference, case.handling_code, case.handling_restrictions)])


def build(doc, *, meta: ReportMeta, data: dict) -> None:
    """Lay the case file out into ``doc`` (a ReportDocument)."""
    case = data.case
    people = People(case.operation)
    story = cover(
        meta,
        title=f"{case.reference} — {case.title}",
        subtitle=f"{case.get_exploitation_type_display()} · operation {case.operation.code}, {case.operation.name}",
        facts=[
            ("Case reference", case.reference),
            ("Handling code", handling_label(case.handling_code)),
            ("Prepared for", meta.requested_by),
            ("Generated", fmt_time(meta.generated_at)),
            ("Report identifier", meta.report_id),
        ],
    )
    story += handling_section(1, meta.handling, what="case file")
    story += _case_data(2, case, data, people)
    story += _suspects(3, data.suspects)
    story += _victims(4, data.victims, data.same_person)
    story += _urls(5, data.urls)
    story += _accounts(6, data.accounts)
    story += _locations(7, data.locations)
    story += _indicators(8, data)
    story += _evidence(9, data.evidence, people)
    story += captures_section(10, data.captures, {e.pk: f"E{i}" for i, e in enumerate(data.evidence, start=1)})
    story += _shares(11, data.shares, people)
    story += _timeline_section(12, data, people)
    story += closing_block(meta)
    doc.render(story)


def _case_data(number, case, data, people) -> list:
    facts = [
        ("Reference", case.reference),
        ("Title", case.title),
        ("Exploitation type", case.get_exploitation_type_display()),
        ("Status", case.get_status_display()),
        ("Referred to", case.referred_to or "—"),
        ("Source reliability", case.get_source_reliability_display()),
        ("Information assessment", case.get_information_assessment_display()),
        ("Handling code", handling_label(case.handling_code)),
    ]
    if case.handling_code == "H3":
        facts.append(("H3 restrictions", case.handling_restrictions))
    facts += [
        ("Country team", team_label(case.team)),
        ("Logged by", people.with_affiliation(case.created_by_id)),
        ("Logged at", fmt_time(case.created_at)),
        ("Last changed", f"{fmt_time(case.updated_at)} (version {case.version})"),
        ("Focus", ", ".join(data.focus_tags) or "—"),
        ("Summary", case.summary or "—"),
    ]
    return [*section(number, "Case data and grading"), facts_table(facts)]


def _suspects(number, suspects) -> list:
    out = section(number, f"Suspects ({len(suspects)})")
    if not suspects:
        return [*out, empty("No suspect is recorded on this case.")]
    rows = [
        [
            s.alias,
            s.get_role_display(),
            country_name(s.nationality) if s.nationality else "unknown",
            str(s.age_estimate) if s.age_estimate is not None else "—",
            s.notes or "—",
            f"{s.team}\n{fmt_time(s.created_at)[:16]}",
        ]
        for s in suspects
    ]
    widths = [40, 20, 24, 12, 64, 28]
    return [*out, list_table(["Alias", "Role", "Nationality", "Age", "Notes", "Team, logged (UTC)"], rows, widths)]


def _victims(number, victims, same_person) -> list:
    out = section(number, f"Possible victims ({len(victims)})")
    if not victims:
        return [*out, empty("No possible victim is recorded on this case.")]
    # The file is built without a reason for reading the victims' records (docs/decisions.md): by code only,
    # as every list shows them until a reason is given; their particulars and notes are read in ActionDay.
    out.append(para("Possible victims are identified by pseudonymous code only; their particulars and notes are "
                    "read in ActionDay, with a justification recorded in the audit trail.", "small"))
    rows = [
        [v.code, same_person.get(v.pk, "—"), f"{v.team}, {fmt_time(v.created_at)[:16]}"]  # "another record": hidden
        for v in victims
    ]
    widths = [40, 60, 60]
    headers = ["Code", "Same person as", "Team, logged (UTC)"]
    return [*out, list_table(headers, rows, widths)]


def _urls(number, urls) -> list:
    out = section(number, f"Detected URLs ({len(urls)})")
    if not urls:
        return [*out, empty("No URL is recorded on this case.")]
    out.append(para("URLs are printed defanged (hxxps://, [.]) so that nobody opens them by accident. "
                    "Refang them only in an isolated environment.", "small"))
    rows = [
        [
            str(index),
            defang(u.url),
            u.platform.name if u.platform_id else "—",
            ", ".join(i.name for i in u.indicators.all()) or "—",
            f"{u.team}, {fmt_time(u.created_at)[5:16]}",
        ]
        for index, u in enumerate(urls, start=1)
    ]
    widths = [8, 88, 30, 32, 26]
    return [*out, list_table(["#", "URL (defanged)", "Platform", "Indicators", "Team, logged"], rows, widths,
                             mono=(1,), numeric=(0,))]


def _accounts(number, accounts) -> list:
    out = section(number, f"Social network accounts ({len(accounts)})")
    if not accounts:
        return [*out, empty("No account is recorded on this case.")]
    rows = [
        [
            a.platform.name,
            "@" + a.handle,
            a.display_name or "—",
            a.note or "—",
            f"{a.team}, {fmt_time(a.created_at)[5:16]}",
        ]
        for a in accounts
    ]
    widths = [28, 50, 40, 42, 26]
    return [*out, list_table(["Platform", "Handle", "Display name", "Note", "Team, logged"], rows, widths)]


def _locations(number, locations) -> list:
    out = section(number, f"Locations ({len(locations)})")
    if not locations:
        return [*out, empty("No location is recorded on this case.")]
    rows = [
        [f"Location {n}", p.address or "—", p.city or "—", p.get_country_display() or "—", p.note or "—",
         f"{p.team}, {fmt_time(p.created_at)[5:16]}"]
        for n, p in enumerate(locations, start=1)
    ]
    widths = [20, 45, 28, 25, 42, 26]
    return [*out, list_table(["Record", "Address", "City", "Country", "Note", "Team, logged"], rows, widths)]


def _indicators(number, data) -> list:
    out = section(number, "Indicators observed")
    on_urls = Counter(i for u in data.urls for i in u.indicators.all())
    indicators = list(dict.fromkeys([*data.indicators, *on_urls]))
    if not indicators:
        return [*out, empty("No indicator is recorded on this case or its URLs.")]
    case_set = set(data.indicators)
    rows = [
        [
            wrap_text(i.name, 60 * mm),
            "yes" if i in case_set else "—",
            str(on_urls.get(i, 0)),
            i.get_exploitation_type_display() if i.exploitation_type else "—",
        ]
        for i in sorted(indicators, key=lambda i: i.name)
    ]
    widths = [70, 30, 30, 50]
    return [*out, data_table(["Indicator", "Noted on the case", "URLs showing it", "Typical of"], rows, widths,
                             numeric=(2,))]


def _evidence(number, evidence, people) -> list:
    out = section(number, f"Evidence ({len(evidence)})")
    if not evidence:
        return [*out, empty("No evidence file is attached to this case.")]
    out.append(para("Each file is listed with the SHA-256 hash computed when it was received; the stored file "
                    "has not changed since (the database refuses any change to a file, its hash or its capture "
                    "data).", "small"))
    rows, style = [], []
    for index, e in enumerate(evidence, start=1):
        first = len(rows) + 1  # + the header row
        captured_by = wrap_text(people.name(e.captured_by_id), 34 * mm)
        rows.append([f"E{index}", e.sha256, fmt_time(e.captured_at)[:19], captured_by])
        details = [e.original_name or "(no name)", e.content_type, _size(e.size)]
        if e.description:
            details.append(e.description)
        line = " · ".join(details)
        if e.source_url:
            line += " · source: " + defang(e.source_url)
        rows.append(["", wrap_text(line, 158 * mm, size=7), "", ""])
        # The number cell spans both rows of an item, so a page break never separates them.
        style += [("SPAN", (0, first), (0, first + 1)), ("SPAN", (1, first + 1), (3, first + 1)),
                  ("TEXTCOLOR", (1, first + 1), (1, first + 1), "#5b6477")]
    # In millimetres: the hash column holds 64 monospaced characters on one line.
    widths = [10, 94, 34, 36]
    table = data_table(["#", "SHA-256", "Captured (UTC)", "Captured by"], rows, widths, mono=(1,))
    table.setStyle(style + [
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), ["white", "white", ZEBRA, ZEBRA]),
        ("FONT", (1, 2), (1, -1), FONT, 7),
    ])
    # The hash rows keep the monospaced face (set again after the detail rows' font above).
    table.setStyle([("FONT", (1, r), (1, r), FONT_MONO, 6.5) for r in range(1, len(rows) + 1, 2)])
    return [*out, table]


def _size(size: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def _shares(number, shares, people) -> list:
    out = section(number, "Shared with")
    teams = ", ".join(team_label(t) for t in shares["teams"]) or "no other country team"
    prosecutors = "; ".join(people.with_affiliation(p.pk, person(p)) for p in shares["prosecutors"]) or "nobody"
    return [*out, facts_table([("Country teams", teams), ("Prosecutors", prosecutors)])]


def _timeline_section(number, data, people) -> list:
    events = data.timeline
    out = section(number, f"Timeline ({len(events)} events)")
    if not events:
        return [*out, empty("No audit event is recorded for this case.")]
    out.append(para("From the audit trail: every collection, change, combination, disclosure and consultation "
                    "recorded for this case and what hangs off it (downloads of its case file included), oldest "
                    "first. Sequence numbers are those of the hash-chained trail (manage.py verify_audit).", "small"))
    rows = []
    names: dict = {}
    for e in events:
        if e.actor_id not in names:
            names[e.actor_id] = people.name(e.actor_id, e.actor_name) if e.actor_id else (e.actor_name or "system")
        rows.append([
            str(e.seq) if e.seq else "(pending)",
            fmt_time(e.at)[:19],
            names[e.actor_id],
            e.what[:1].upper() + e.what[1:],
            e.record,
            e.summary,
        ])
    widths = [11, 31, 29, 27, 30, 46]
    return [*out, Spacer(1, 2), list_table(["Seq.", "Time (UTC)", "Who", "Action", "Record", "What"], rows, widths,
                                           numeric=(0,))]


def expected_pages(data) -> int:
    rows = len(data.urls) + 2 * len(data.evidence) + len(data.timeline) + len(data.suspects) + 12 * len(data.captures)
    return 2 + rows // 40

