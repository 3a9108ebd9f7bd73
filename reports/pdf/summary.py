"""The operation summary: the published figures of an operation, for its coordinators.

Aggregates count every record of the operation — that is their purpose (DESIGN.md) — so the
figures come from ``compile_figures`` and not through ``visible_to``; the summary names no case,
person, URL or account. The headline lists the figures the coordinator published, in their
order, in press style ("33 potential victims of human trafficking identified"); the charts are
the dashboard's own (reports/charts.py).
"""

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

from operations.countries import country_name
from platforms.models import Platform
from reports import charts
from reports.statistics import FIGURES, compile_figures, headline_keys, press_label, press_number

from .common import (
    Handling,
    ReportMeta,
    closing_block,
    cover,
    empty,
    handling_section,
    section,
)
from .style import BODY_WIDTH, FONT_BOLD, STYLES, escape, fmt_day, fmt_time, para, with_report_fonts
from .tables import data_table, wrap_text

# Per-country table: figure key, column heading.
TEAM_COLUMNS = [
    ("experts", "Experts"),
    ("platforms_checked", "Platforms checked"),
    ("platforms_with_indications", "with indications"),
    ("urls", "URLs"),
    ("social_accounts", "Accounts"),
    ("victims", "Potential victims"),
    ("minor_victims", "minors"),
    ("perpetrators", "Potential perpetrators"),
    ("cases", "Cases"),
    ("cases_referred", "referred"),
]


def read(user, report) -> dict:
    operation = report.operation
    participations = list(
        operation.participations.select_related("agency").order_by("agency__country", "agency__name")
    )
    return {
        "operation": operation,
        "figures": compile_figures(operation),
        "headline": headline_keys(operation),
        "participations": participations,
        "focus_tags": [tag.name for tag in operation.focus_tags.all()],
    }


def handling_of(data) -> Handling:
    return Handling(
        code="H0",
        note="The summary holds aggregate figures only and no case data, so it carries the floor marking H0; "
             "publishing figures from it is the coordinators' decision.",
    )


def expected_pages(data) -> int:
    return 4 + len(data["participations"]) // 45


def build(doc, *, meta: ReportMeta, data: dict) -> None:
    operation = data["operation"]
    figures = data["figures"]
    totals = figures["totals"]
    story = cover(
        meta,
        title=operation.name,
        subtitle=operation.crime_focus,
        facts=[
            ("Operation", operation.code),
            ("Period", f"{fmt_day(operation.starts_at)} – {fmt_day(operation.ends_at)}"),
            ("Led by", str(operation.lead_agency)),
            ("Status", operation.get_status_display()),
            ("Focus", ", ".join(data["focus_tags"]) or "—"),
            ("Figures as of", fmt_time(meta.generated_at)),
            ("Prepared for", meta.requested_by),
        ],
    )
    story += section(1, "Headline figures")
    story.append(para("The figures the coordinators chose to publish, in their order. Counted without double "
                      "counting: a URL or account reported by two teams counts once, a victim logged twice and "
                      "merged counts once.", "small"))
    story.append(Spacer(1, 4))
    for key in data["headline"]:
        value = totals.get(key, 0)
        story.append(Paragraph(
            f'<font name="{FONT_BOLD}" size="15" color="#14213d">{escape(press_number(value))}</font>'
            f"&nbsp;&nbsp;{escape(press_label(key, value))}",
            STYLES["headline"],
        ))
    story += _all_figures(totals, data["headline"])
    drawings = [
        with_report_fonts(drawing)
        for drawing in (
            charts.checks_progress_chart(figures, width=BODY_WIDTH),
            charts.platforms_by_category_chart(figures, width=BODY_WIDTH),
            charts.findings_per_hour_chart(
                figures, starts_at=operation.starts_at, ends_at=operation.ends_at, width=BODY_WIDTH, height=190
            ),
        )
    ]
    # The heading stays with the first chart.
    heading = [item for item in section(2, "Charts") if not isinstance(item, CondPageBreak)]
    story.append(KeepTogether([*heading, drawings[0]]))
    for drawing in drawings[1:]:
        story += [Spacer(1, 10), KeepTogether([drawing])]
    story += _per_country(3, figures)
    story += _platforms(4, figures)
    story += _indicators(5, figures)
    story += _victims_by_nationality(6, figures)
    story += _participants(7, data["participations"])
    story += handling_section(8, meta.handling, what="summary")
    story += closing_block(meta)
    doc.render(story)


def _all_figures(totals, headline) -> list:
    others = [key for key in FIGURES if key not in headline]
    if not others:
        return []
    rows = [[wrap_text(FIGURES[key][:1].upper() + FIGURES[key][1:], 120 * mm), press_number(totals.get(key, 0))]
            for key in others]
    return [Spacer(1, 6), para("Other figures of the operation", "h2"),
            data_table(["Figure", "Number"], rows, [150, 30], numeric=(1,))]


def _per_country(number, figures) -> list:
    out = section(number, "Figures by country team")
    per_team = figures["per_team"]
    if not per_team:
        return [*out, empty("No country team has logged anything yet.")]
    out.append(para("Each team's figures count what that team logged. A URL or person found by two teams appears "
                    "in both rows but once in the operation total, so the rows do not add up to the total.",
                    "small"))
    teams = sorted(per_team.items(), key=lambda item: country_name(item[0]))
    rows = [[f"{country_name(team)} ({team})", *[str(row.get(key, 0)) for key, _ in TEAM_COLUMNS]]
            for team, row in teams]
    totals = figures["totals"]
    rows.append(["Operation total", *[str(totals.get(key, 0)) for key, _ in TEAM_COLUMNS]])
    headers = ["Country team", *[wrap_text(label, 16 * mm, size=7) for _, label in TEAM_COLUMNS]]
    table = data_table(headers, rows, [38] + [14.2] * len(TEAM_COLUMNS), numeric=tuple(range(1, 11)), size=7)
    table.setStyle([("FONT", (0, -1), (-1, -1), FONT_BOLD, 7), ("LINEABOVE", (0, -1), (-1, -1), 0.8, "#14213d")])
    return [*out, table]


def _platforms(number, figures) -> list:
    out = section(number, "Platforms by category")
    categories = figures["breakdowns"].get("platforms_by_category", {})
    if not categories:
        return [*out, empty("No platform was monitored.")]
    labels = dict(Platform.Category.choices)
    rows = [
        [labels.get(category, category), str(row.get("platforms_monitored", 0)),
         str(row.get("platforms_checked", 0)), str(row.get("platforms_with_indications", 0))]
        for category, row in sorted(categories.items(), key=lambda item: labels.get(item[0], item[0]))
    ]
    surfaces = figures["breakdowns"].get("platforms_by_surface", {})
    for value, label in Platform.Surface.choices:
        row = surfaces.get(value, {})
        rows.append([f"All {label.lower()}", str(row.get("platforms_monitored", 0)),
                     str(row.get("platforms_checked", 0)), str(row.get("platforms_with_indications", 0))])
    table = data_table(["Category", "Monitored", "Checked", "With indications"], rows, [75, 35, 35, 35],
                       numeric=(1, 2, 3))
    first_surface = len(rows) - len(Platform.Surface.choices) + 1
    table.setStyle([("LINEABOVE", (0, first_surface), (-1, first_surface), 0.8, "#14213d"),
                    ("FONT", (0, first_surface), (-1, -1), FONT_BOLD, 7.5)])
    return [*out, table]


def _indicators(number, figures) -> list:
    out = section(number, "Indicators observed")
    indicators = figures["breakdowns"].get("indicators", [])
    if not indicators:
        return [*out, empty("No indicator was noted on a case or URL.")]
    rows = [[wrap_text(row["name"], 110 * mm), str(row["cases"]), str(row["urls"])] for row in indicators]
    return [*out, data_table(["Indicator", "Cases", "URLs"], rows, [120, 30, 30], numeric=(1, 2))]


def _victims_by_nationality(number, figures) -> list:
    out = section(number, "Potential victims by nationality")
    rows = figures["breakdowns"].get("victims_by_nationality", {})
    if not rows:
        return [*out, empty("No potential victim was identified.")]
    table_rows = [[country_name(code) if code != "unknown" else "Not known", str(n)]
                  for code, n in sorted(rows.items(), key=lambda item: (-item[1], item[0]))]
    return [*out, data_table(["Nationality", "Potential victims"], table_rows, [120, 60], numeric=(1,))]


def _participants(number, participations) -> list:
    out = section(number, "Participating countries and agencies")
    if not participations:
        return [*out, empty("No agency takes part.")]
    countries = sorted({p.agency.country for p in participations if p.agency.country}, key=country_name)
    experts = sum(p.experts for p in participations)
    out.append(para(
        f"{len(countries)} countries, {len(participations)} agencies and {experts} experts: "
        + ", ".join(country_name(c) for c in countries) + ".", "body",
    ))
    rows = [
        [country_name(p.agency.country) if p.agency.country else "EU agency", wrap_text(p.agency.name, 80 * mm),
         p.agency.get_kind_display(), str(p.experts)]
        for p in sorted(participations, key=lambda p: (country_name(p.agency.country or "EU"), p.agency.name))
    ]
    return [*out, data_table(["Country", "Agency", "Kind", "Experts"], rows, [40, 85, 35, 20], numeric=(3,))]

