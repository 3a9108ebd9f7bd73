"""Country codes: the country teams of operations, and the nationalities of suspects and victims.

Two lists on purpose. A **country team** is identified by its code ("DE", "FR"); EU bodies work as
team "EU". The teams are the countries that take part in action days (``COUNTRY_NAMES``; adding one
is a line here). A **nationality** is any ISO 3166-1 country (``NATIONALITY_NAMES``, from the
maintained ``pycountry`` list), Kosovo, or "stateless"; an empty nationality means unknown. Kosovo
uses the user-assigned code XK, as EU institutions do; "stateless" the user-assigned code XX.
"""

import unicodedata

import pycountry

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


KOSOVO = "XK"
STATELESS = "XX"


def _nationality_names() -> dict[str, str]:
    # The common name where ISO's is formal ("Iran", not "Iran, Islamic Republic of"); a select's
    # type-ahead then finds a country by the name people say.
    names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names[KOSOVO] = COUNTRY_NAMES[KOSOVO]
    names[STATELESS] = "Stateless"
    return names


NATIONALITY_NAMES = _nationality_names()
# By name, "Stateless" among them; the empty choice ("unknown") is the form's or the field's blank.
NATIONALITY_CHOICES = sorted(
    NATIONALITY_NAMES.items(), key=lambda item: unicodedata.normalize("NFKD", item[1]).encode("ascii", "ignore")
)


def country_name(code: str) -> str:
    """The name of a team code or a nationality code ("EU agencies", "Eritrea", "Stateless")."""
    return COUNTRY_NAMES.get(code) or NATIONALITY_NAMES.get(code, code)


def nationality_name(code: str) -> str:
    return NATIONALITY_NAMES.get(code, code) if code else "Unknown"
