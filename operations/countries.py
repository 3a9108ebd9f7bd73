"""Country teams: the ISO 3166-1 alpha-2 codes ActionDay uses, and their names.

A country team is identified by its code ("DE", "FR"); EU bodies work as team "EU".
Kosovo uses the user-assigned code XK, as EU institutions do.
"""

EU_BODIES = "EU"

COUNTRY_NAMES = {
    "AT": "Austria",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "HR": "Croatia",
    "CY": "Cyprus",
    "CZ": "Czech Republic",
    "DK": "Denmark",
    "EE": "Estonia",
    "FI": "Finland",
    "FR": "France",
    "DE": "Germany",
    "GR": "Greece",
    "HU": "Hungary",
    "IE": "Ireland",
    "IT": "Italy",
    "LV": "Latvia",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "MT": "Malta",
    "NL": "Netherlands",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "SK": "Slovakia",
    "SI": "Slovenia",
    "ES": "Spain",
    "SE": "Sweden",
    "AL": "Albania",
    "BA": "Bosnia and Herzegovina",
    "BR": "Brazil",
    "CH": "Switzerland",
    "CN": "China",
    "CO": "Colombia",
    "GE": "Georgia",
    "IS": "Iceland",
    "IN": "India",
    "XK": "Kosovo",
    "MD": "Moldova",
    "ME": "Montenegro",
    "MK": "North Macedonia",
    "NG": "Nigeria",
    "NO": "Norway",
    "PH": "Philippines",
    "RS": "Serbia",
    "TH": "Thailand",
    "TR": "Türkiye",
    "UA": "Ukraine",
    "GB": "United Kingdom",
    "US": "United States",
    "VN": "Vietnam",
    EU_BODIES: "EU agencies",
}

COUNTRY_CHOICES = sorted(COUNTRY_NAMES.items(), key=lambda item: item[1])


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code, code)
