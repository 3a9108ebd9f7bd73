"""The country-team report: what one team found during the operation.

Read through ``visible_to(requester)`` and narrowed to the team's own records; the requester is a
member of that team or a coordinator, who see all of them. Victims by pseudonymous code only,
URLs defanged. The marking is that of the team's most restrictive case.
"""

from django.db.models import Count

from findings.models import Case, DetectedUrl, Evidence, PossibleVictim, SocialAccount, Suspect
from identifiers.canonical import defang
from operations.countries import country_name
from operations.models import Membership
from platforms.models import PlatformCheck
from reports.statistics import compile_figures, press_label, press_number

from .common import (
    Handling,
    ReportMeta,
    closing_block,
    cover,
    empty,
    handling_section,
    section,
)
from .people import People, person, team_label
from .style import fmt_time, para
from .tables import list_table

TEAM_FIGURES = [
    "platforms_monitored", "platforms_checked", "platforms_with_indications", "urls", "social_accounts",
    "persons_checked", "victims", "minor_victims", "perpetrators", "cases", "cases_referred",
    "investigations_opened", "indicators",
]


def read(user, report) -> dict:
    operation, team = report.operation, report.team

    def own(model):
        return model.objects.visible_to(user).filter(operation=operation, team=team)

    cases = list(
        own(Case).annotate(
            n_suspects=Count("suspects", distinct=True), n_victims=Count("victims", distinct=True),
            n_urls=Count("urls", distinct=True), n_evidence=Count("evidence", distinct=True),
        ).order_by("created_at", "pk")
    )
    figures = compile_figures(operation)["per_team"].get(team, {})
    return {
        "operation": operation,
        "team": team,
        "members": list(
            Membership.objects.filter(operation=operation, team=team).select_related("user", "agency")
            .order_by("role", "user__last_name", "user__username")
        ),
        "figures": figures,
        "checks": list(own(PlatformCheck).select_related("platform", "checked_by").order_by("platform__name")),
        "cases": cases,
        "suspects": list(own(Suspect).select_related("case").order_by("alias", "pk")),
        "victims": list(own(PossibleVictim).select_related("case").order_by("code")),
        "urls": list(own(DetectedUrl).select_related("platform", "case").order_by("created_at", "pk")),
        "accounts": list(own(SocialAccount).select_related("platform", "case").order_by("platform__name", "handle")),
        "evidence": list(own(Evidence).select_related("case").order_by("captured_at", "pk")),
    }


def handling_of(data) -> Handling:
    return Handling.of_cases(
        [(c.reference, c.handling_code, c.handling_restrictions) for c in data["cases"]],
        note="It is the most restrictive code among the team's cases listed in this report."
        if data["cases"] else "The team has no case, so the report carries the floor marking H0.",
    )


def expected_pages(data) -> int:
    rows = sum(len(data[k]) for k in ("checks", "cases", "suspects", "victims", "urls", "accounts", "evidence"))
    return 2 + rows // 40


def build(doc, *, meta: ReportMeta, data: dict) -> None:
    operation, team = data["operation"], data["team"]
    people = People(operation)
    story = cover(
        meta,
        title=f"Country team {country_name(team)} ({team})",
        subtitle=f"What the team found in operation {operation.code}, {operation.name}",
        facts=[
            ("Operation", operation.code),
            ("Country team", team_label(team)),
            ("Team members", str(len(data["members"]))),
            ("Prepared for", meta.requested_by),
            ("Generated", fmt_time(meta.generated_at)),
            ("Report identifier", meta.report_id),
        ],
    )
    story += handling_section(1, meta.handling, what="report")
    story += _members(2, data["members"])
    story += _figures(3, data["figures"])
    story += _checks(4, data["checks"], people)
    story += _cases(5, data["cases"])
    story += _suspects(6, data["suspects"])
    story += _victims(7, data["victims"])
    story += _urls(8, data["urls"])
    story += _accounts(9, data["accounts"])
    story += _evidence(10, data["evidence"], people)
    story += closing_block(meta)
    doc.render(story)


def _ref(record) -> str:
    return record.case.reference if record.case_id else "—"


def _members(number, members) -> list:
    out = section(number, f"Team members ({len(members)})")
    if not members:
        return [*out, empty("Nobody works for this team in the operation.")]
    rows = [[person(m.user), m.get_role_display(), m.agency.name if m.agency_id else "—"] for m in members]
    return [*out, list_table(["Name (login)", "Role", "Agency"], rows, [75, 30, 75])]


def _figures(number, figures) -> list:
    out = section(number, "The team's figures")
    if not figures:
        return [*out, empty("The team has logged nothing yet.")]
    out.append(para("Counted like the operation's figures, over what this team logged.", "small"))
    rows = [
        [_capitalised(press_label(key, figures.get(key, 0))), press_number(figures.get(key, 0))]
        for key in TEAM_FIGURES
    ]
    return [*out, list_table(["Figure", "Number"], rows, [150, 30], numeric=(1,))]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _checks(number, checks, people) -> list:
    out = section(number, f"Platform checks ({len(checks)})")
    if not checks:
        return [*out, empty("The team planned no platform check.")]
    rows = [
        [c.platform.name, c.platform.get_category_display(), c.outcome,
         people.name(c.checked_by_id) if c.checked_by_id else "—",
         fmt_time(c.finished_at)[:16] if c.finished_at else "—"]
        for c in checks
    ]
    return [*out, list_table(["Platform", "Category", "Outcome", "Checked by", "Finished (UTC)"], rows,
                             [45, 28, 40, 40, 28])]


def _cases(number, cases) -> list:
    out = section(number, f"Cases ({len(cases)})")
    if not cases:
        return [*out, empty("The team opened no case.")]
    rows = [
        [c.reference, c.title, c.get_exploitation_type_display(), c.get_status_display(),
         f"{c.source_reliability}{c.information_assessment}", c.handling_code,
         f"{c.n_suspects} / {c.n_victims} / {c.n_urls} / {c.n_evidence}"]
        for c in cases
    ]
    headers = ["Reference", "Title", "Type", "Status", "Grade", "Handling", "Suspects / victims / URLs / evidence"]
    table = list_table(headers, rows, [22, 46, 28, 22, 13, 18, 31])
    out.append(table)
    restricted = [c for c in cases if c.handling_code == "H3"]
    if restricted:
        out.append(para("H3 restrictions of these cases are printed in full in section 1.", "small"))
    return out


def _suspects(number, suspects) -> list:
    out = section(number, f"Suspects ({len(suspects)})")
    if not suspects:
        return [*out, empty("The team recorded no suspect.")]
    rows = [[s.alias, s.get_role_display(), country_name(s.nationality) if s.nationality else "—",
             str(s.age_estimate) if s.age_estimate is not None else "—", _ref(s)] for s in suspects]
    return [*out, list_table(["Alias", "Role", "Nationality", "Age", "Case"], rows, [60, 30, 40, 15, 35])]


def _victims(number, victims) -> list:
    out = section(number, f"Possible victims ({len(victims)})")
    if not victims:
        return [*out, empty("The team recorded no possible victim.")]
    rows = [[v.code, country_name(v.nationality) if v.nationality else "—", v.get_sex_display(),
             v.get_age_band_display(), "yes" if v.is_minor else "no", _ref(v)] for v in victims]
    return [*out, list_table(["Code", "Nationality", "Sex", "Age band", "Minor", "Case"], rows,
                             [30, 40, 25, 25, 20, 40])]


def _urls(number, urls) -> list:
    out = section(number, f"Detected URLs ({len(urls)})")
    if not urls:
        return [*out, empty("The team logged no URL.")]
    rows = [[str(i), defang(u.url),
             u.platform.name if u.platform_id else "—", _ref(u)]
            for i, u in enumerate(urls, start=1)]
    return [*out, list_table(["#", "URL (defanged)", "Platform", "Case"], rows, [8, 104, 34, 30], mono=(1,),
                             numeric=(0,))]


def _accounts(number, accounts) -> list:
    out = section(number, f"Social network accounts ({len(accounts)})")
    if not accounts:
        return [*out, empty("The team logged no account.")]
    rows = [[a.platform.name, "@" + a.handle, a.display_name or "—", _ref(a)]
            for a in accounts]
    return [*out, list_table(["Platform", "Handle", "Display name", "Case"], rows, [35, 65, 45, 30])]


def _evidence(number, evidence, people) -> list:
    out = section(number, f"Evidence ({len(evidence)})")
    if not evidence:
        return [*out, empty("The team stored no evidence.")]
    rows = [[f"E{i}", e.sha256, fmt_time(e.captured_at)[:16], people.name(e.captured_by_id),
             _ref(e)] for i, e in enumerate(evidence, start=1)]
    return [*out, list_table(["#", "SHA-256", "Captured (UTC)", "By", "Case"], rows, [8, 94, 26, 28, 18],
                             mono=(1,), size=7)]

