"""A participants' file the size of a real edition: the 2024 EMPACT THB action week's 27 country teams
and 76 experts (DESIGN.md's context), as rows, CSV or XLSX — for the set-up tests and the browser test."""

import csv
import io

import openpyxl

# The 2025 edition's 19 EU and 7 third countries, plus Lithuania: the 2024 edition's 27.
AGENCIES = [
    ("AT", "Bundeskriminalamt Österreich"), ("BE", "Federal Judicial Police"), ("CY", "Cyprus Police"),
    ("CZ", "Policie České republiky"), ("FI", "National Bureau of Investigation"), ("FR", "OCRTEH"),
    ("DE", "Bundeskriminalamt"), ("GR", "Hellenic Police"), ("HU", "Hungarian National Police"),
    ("IE", "An Garda Síochána"), ("IT", "Polizia di Stato"), ("LV", "State Police of Latvia"),
    ("LT", "Lithuanian Criminal Police Bureau"), ("NL", "Dutch National Police"), ("PL", "Polish National Police"),
    ("PT", "Polícia Judiciária"), ("RO", "Romanian Police"), ("SK", "Police Force of Slovakia"),
    ("ES", "Policía Nacional"), ("SE", "Swedish Police Authority"), ("BR", "Polícia Federal"),
    ("GE", "Georgian Police"), ("XK", "Kosovo Police"), ("MD", "Moldovan Police"), ("RS", "Serbian Police"),
    ("UA", "National Police of Ukraine"), ("GB", "National Crime Agency"),
]
HEADER = ["agency", "country", "experts", "name", "email", "role", "team"]
LEAD = "Dutch National Police"
COORDINATOR = "coordinator@nl.police.example"
ANALYST = "analyst-01@de.police.example"


def edition_rows(people_per_team=None, total=76) -> list[list]:
    """One row per person: NL's first is the lead coordinator, two prosecutors, the rest analysts.

    Without ``people_per_team`` the ``total`` people are spread over the 27 teams (2 or 3 each, 76 in all).
    """
    teams = len(AGENCIES)
    counts = [people_per_team] * teams if people_per_team else [
        total // teams + (1 if i < total % teams else 0) for i in range(teams)]
    rows = []
    for (country, agency), count in zip(AGENCIES, counts, strict=True):
        for n in range(1, count + 1):
            email = f"analyst-{n:02d}@{country.lower()}.police.example"
            role = "analyst"
            if country == "NL" and n == 1:
                email, role = COORDINATOR, "coordinator"
            elif (country, n) in (("RO", 2), ("FR", 2)):
                role = "prosecutor"
            rows.append([agency, country, count, f"Expert{n} {country}", email, role, country])
    return rows


def as_xlsx(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "participants"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_csv(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()
