"""The operation summary: the published figures of an operation, for its coordinators.

Aggregates count every record of the operation — that is their purpose (DESIGN.md) — so the
figures come from ``compile_figures`` and not through ``visible_to``; the summary names no case,
person, URL or account. The headline lists the figures the coordinator published, in their
order, in press style ("33 potential victims of human trafficking identified"), then the press
paragraph as the coordinator edited it; the charts are the dashboard's own (reports/charts.py),
drawn at print size.

Press quality: every table's columns are sized from their content and wrap at spaces only, so no
word is ever broken; a table too wide for the page is printed in parts, each with its first column.
"""

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from operations.countries import country_name
from platforms.models import Platform
from reports import charts
from reports.press import FIGURE_PARTS, SHORT_LABELS, press_parts
from reports.services import press_paragraph_current, press_paragraph_outdated, snapshot_latest
from reports.statistics import FIGURES, TAG_FIGURES, compile_figures, headline_keys, press_label, press_number

from .common import (
    Handling,
    ReportMeta,
    balanced_story,
    closing_block,
    cover,
    empty,
    handling_section,
    section,
)
from .style import (
    BODY_WIDTH,
    FONT,
    FONT_BOLD,
    NAVY,
    RULE,
    STYLES,
    ZEBRA,
    escape,
    fmt_day,
    fmt_time,
    para,
    with_report_fonts,
)
from .tables import SIDE_PADDING, column_minimums, data_table, fit_widths, wrap_text

SIZE = 7.5  # table text
CHART_TEXT = 8  # chart labels, in points

# The per-country figures in groups, each printed as its own table when they do not fit side by side.
TEAM_GROUPS = [
    ("Findings and cases", ["urls", "social_accounts", "victims", "minor_victims", "perpetrators", "cases",
                            "cases_referred", "investigations_opened"]),
    ("Entities checked", ["entities_checked", "platforms_checked", "persons_checked", "locations", "phone_numbers"]),
    ("Platforms and participation", ["experts", "platforms_monitored", "platforms_with_indications",
                                     "dark_web_platforms_checked", "indicators"]),
]
# The sections that may start on a new page so that the last page is not nearly empty.
CLOSING_SECTIONS = ["participants", "handling"]


def read(user, report) -> dict:
    operation = report.operation
    participations = list(
        operation.participations.select_related("agency").order_by("agency__country", "agency__name")
    )
    paragraph = press_paragraph_current(operation)
    return {
        "operation": operation,
        "figures": compile_figures(operation),
        "headline": headline_keys(operation),
        "participations": participations,
        "focus_tags": [tag.name for tag in operation.focus_tags.all()],
        "paragraph": paragraph,
        "paragraph_outdated": paragraph is not None and press_paragraph_outdated(paragraph, snapshot_latest(operation)),
    }


def handling_of(data) -> Handling:
    return Handling(
        code="H0",
        note="The summary holds aggregate figures only and no case data, so it carries the floor marking H0; "
             "publishing figures from it is the coordinators' decision.",
    )


def expected_pages(data) -> int:
    return 5 + len(data["participations"]) // 45 + len(data["figures"]["per_team"]) // 20


def build(doc, *, meta: ReportMeta, data: dict) -> None:
    doc.render(balanced_story(meta, lambda break_before: _story(meta, data, break_before), CLOSING_SECTIONS))


def _story(meta: ReportMeta, data: dict, break_before: str | None) -> list:
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
    story += _headline(1, totals, data["headline"])
    story += _press_paragraph(data)
    story += _other_figures(totals, data["headline"])
    story += _charts(2, operation, figures)
    story += _per_country(3, figures)
    story += _per_focus_tag(4, figures)
    story += _platforms(5, figures)
    story += _indicators(6, figures)
    story += _victims_by_nationality(7, figures)
    story += _page_break("participants", break_before)
    story += _participants(8, data["participations"])
    story += _page_break("handling", break_before)
    story += handling_section(9, meta.handling, what="summary")
    story += closing_block(meta)
    return story


def _page_break(name: str, break_before: str | None) -> list:
    return [PageBreak()] if name == break_before else []


# --- tables sized from their content -------------------------------------------------------------


def _table(headers: list[str], rows: list[list[str]], proportions: list[float], *, numeric=(), total=BODY_WIDTH):
    """A data table whose columns fit their longest words, and whose text wraps at spaces only."""
    widths = fit_widths(proportions, column_minimums(headers, rows, size=SIZE), total)
    wrapped = [
        [cell if column in numeric else wrap_text(cell, width - SIDE_PADDING, size=SIZE, break_words=False)
         for column, (cell, width) in enumerate(zip(row, widths, strict=True))]
        for row in rows
    ]
    return data_table(headers, wrapped, widths, numeric=tuple(numeric), size=SIZE, total=total)


def _parts_that_fit(first: tuple[str, list[str]], columns: list[tuple[str, list[str]]]) -> list[list[int]]:
    """The columns in consecutive parts that each fit the page beside the first column."""
    first_need = column_minimums([first[0]], [[cell] for cell in first[1]], size=SIZE)[0]
    parts, current, used = [], [], first_need
    for index, (header, cells) in enumerate(columns):
        need = column_minimums([header], [[cell] for cell in cells], size=SIZE)[0] + 4
        if current and used + need > BODY_WIDTH:
            parts.append(current)
            current, used = [], first_need
        current.append(index)
        used += need
    if current:
        parts.append(current)
    return parts


# --- sections ----------------------------------------------------------------------------------


def _headline(number, totals, headline) -> list:
    out = section(number, "Headline figures")
    out.append(para("The figures the coordinators chose to publish, in their order. Counted without double "
                    "counting: a URL, account, place or phone number reported by two teams counts once, a victim "
                    "logged twice and merged counts once.", "small"))
    out.append(Spacer(1, 4))
    for key in headline:
        value = totals.get(key, 0)
        parts = press_parts(key, totals)
        out.append(Paragraph(
            f'<font name="{FONT_BOLD}" size="15" color="#14213d">{escape(press_number(value))}</font>'
            f"&nbsp;&nbsp;{escape(press_label(key, value))}"
            + (f' <font size="9" color="#5b6477">({escape(parts)})</font>' if parts else ""),
            STYLES["headline"],
        ))
    return out


def _press_paragraph(data) -> list:
    paragraph = data["paragraph"]
    out = [Spacer(1, 6), para("Press paragraph", "h2")]
    if paragraph is None:
        return [*out, empty("No press paragraph has been drafted yet: the coordinators draft it on the dashboard.")]
    made = (f"Drafted {fmt_time(paragraph.drafted_at)} by {paragraph.drafted_by.get_username()} from the figures "
            f"as of {fmt_time(paragraph.snapshot.computed_at)}")
    if paragraph.edited_at:
        made += f"; edited {fmt_time(paragraph.edited_at)} by {paragraph.edited_by.get_username()}"
    made += "."
    if data["paragraph_outdated"]:
        made += " The figures have changed since it was drafted: check its numbers against the headline above."
    body = [Paragraph(escape(part), STYLES["press"]) for part in paragraph.text.split("\n\n") if part.strip()]
    box = Table([[body]], colWidths=[BODY_WIDTH], hAlign="LEFT")
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), ZEBRA), ("LINEBEFORE", (0, 0), (0, -1), 2.5, NAVY),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("FONT", (0, 0), (-1, -1), FONT, 9),
    ]))
    return [*out, box, Spacer(1, 2), para(made, "small")]


def _other_figures(totals, headline) -> list:
    others = [key for key in FIGURES if key not in headline]
    if not others:
        return []
    rows = []
    for key in others:
        label = FIGURES[key][:1].upper() + FIGURES[key][1:]
        if key in FIGURE_PARTS:
            label += f" ({press_parts(key, totals)})"
        rows.append([label, press_number(totals.get(key, 0))])
    return [Spacer(1, 6), KeepTogether([para("Other figures of the operation", "h2"),
                                        _table(["Figure", "Number"], rows, [150, 30], numeric=(1,))])]


def _charts(number, operation, figures) -> list:
    size = {"width": BODY_WIDTH, "size": CHART_TEXT}
    drawings = [
        with_report_fonts(drawing)
        for drawing in (
            charts.checks_progress_chart(figures, **size),
            charts.platforms_by_category_chart(figures, **size),
            charts.activity_chart(figures, starts_at=operation.starts_at, ends_at=operation.ends_at, height=200,
                                  **size),
        )
    ]
    # The heading stays with the first chart.
    heading = [item for item in section(number, "Charts") if not isinstance(item, CondPageBreak)]
    out = [CondPageBreak(60 * mm), KeepTogether([*heading, drawings[0]])]
    for drawing in drawings[1:]:
        out += [Spacer(1, 10), KeepTogether([drawing])]
    return out


def _per_country(number, figures) -> list:
    out = section(number, "Figures by country team")
    per_team = figures["per_team"]
    if not per_team:
        return [*out, empty("No country team has logged anything yet.")]
    out.append(para("Each team's figures count what that team logged. A URL, place, phone number or person found by "
                    "two teams appears in both rows but once in the operation total, so the rows do not add up to the "
                    "total.", "small"))
    teams = sorted(per_team.items(), key=lambda item: country_name(item[0]))
    names = [f"{country_name(team)} ({team})" for team, _ in teams] + ["Operation total"]
    totals = figures["totals"]
    for title, keys in TEAM_GROUPS:
        columns = [(SHORT_LABELS[key], [str(row.get(key, 0)) for _, row in teams] + [str(totals.get(key, 0))])
                   for key in keys]
        for part in _parts_that_fit(("Country team", names), columns):
            headers = ["Country team", *[columns[i][0] for i in part]]
            rows = [[name, *[columns[i][1][r] for i in part]] for r, name in enumerate(names)]
            table = _table(headers, rows, [40] + [16] * len(part), numeric=tuple(range(1, len(part) + 1)))
            table.setStyle([("FONT", (0, -1), (-1, -1), FONT_BOLD, SIZE),
                            ("LINEABOVE", (0, -1), (-1, -1), 0.8, NAVY)])
            # The heading never stays alone at the foot of a page.
            out += [CondPageBreak(45 * mm), Spacer(1, 4), para(title, "h2"), table]
    return out


def _per_focus_tag(number, figures) -> list:
    out = section(number, "Figures by focus tag")
    tags = figures.get("per_focus_tag", {})
    if not tags:
        return [*out, empty("This operation has no focus tags.")]
    out.append(para("Platforms count under the tags of their platform checks; cases, and everything linked to a "
                    "case, under the tags of the case. Each figure is counted once within the tag.", "small"))
    keys = [key for key in TAG_FIGURES if key in SHORT_LABELS]
    half = (len(keys) + 1) // 2
    for name, row in sorted(tags.items()):
        left, right = keys[:half], keys[half:]
        rows = []
        for index in range(half):
            cells = [SHORT_LABELS[left[index]], str(row.get(left[index], 0))]
            if index < len(right):
                cells += [SHORT_LABELS[right[index]], str(row.get(right[index], 0))]
            else:
                cells += ["", ""]
            rows.append(cells)
        table = _table(["Figure", "Number", "Figure", "Number"], rows, [60, 20, 60, 20], numeric=(1, 3))
        table.setStyle([("LINEBEFORE", (2, 0), (2, -1), 0.8, RULE)])
        out.append(KeepTogether([Spacer(1, 4), para(name, "h2"), table]))
    return out


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
    table = _table(["Category", "Monitored", "Checked", "With indications"], rows, [75, 35, 35, 35],
                   numeric=(1, 2, 3))
    first_surface = len(rows) - len(Platform.Surface.choices) + 1
    table.setStyle([("LINEABOVE", (0, first_surface), (-1, first_surface), 0.8, NAVY),
                    ("FONT", (0, first_surface), (-1, -1), FONT_BOLD, SIZE)])
    return [*out, table]


def _indicators(number, figures) -> list:
    out = section(number, "Indicators observed")
    indicators = figures["breakdowns"].get("indicators", [])
    if not indicators:
        return [*out, empty("No indicator was noted on a case or URL.")]
    rows = [[row["name"], str(row["cases"]), str(row["urls"])] for row in indicators]
    return [*out, _table(["Indicator", "Cases", "URLs"], rows, [120, 30, 30], numeric=(1, 2))]


def _victims_by_nationality(number, figures) -> list:
    out = section(number, "Potential victims by nationality")
    rows = figures["breakdowns"].get("victims_by_nationality", {})
    if not rows:
        return [*out, empty("No potential victim was identified.")]
    table_rows = [[country_name(code) if code != "unknown" else "Not known", str(n)]
                  for code, n in sorted(rows.items(), key=lambda item: (-item[1], item[0]))]
    return [*out, _table(["Nationality", "Potential victims"], table_rows, [120, 60], numeric=(1,))]


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
        [country_name(p.agency.country) if p.agency.country else "EU agency", p.agency.name,
         p.agency.get_kind_display(), str(p.experts)]
        for p in sorted(participations, key=lambda p: (country_name(p.agency.country or "EU"), p.agency.name))
    ]
    return [*out, _table(["Country", "Agency", "Kind", "Experts"], rows, [40, 85, 35, 20], numeric=(3,))]
