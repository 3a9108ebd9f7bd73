"""Places (an address or a city, in a country) in one canonical form, for counting and matching.

"Friedrichstraße 12, Berlin" typed by the German team and "friedrichstrasse  12 , BERLIN" by the
French one are the same place: the key folds case, accents and the German sharp s, drops
punctuation and collapses spaces. It is not a geocoder: "Friedrichstr. 12" stays a different
spelling (abbreviations are expanded only for the common street words below).
"""

import re
import unicodedata

LOCATION = "location"  # the Selector kind

# Written-out forms of the street words analysts abbreviate most, so both spellings meet.
_ABBREVIATIONS = {
    "str": "strasse", "st": "street", "rd": "road", "ave": "avenue", "av": "avenue", "blvd": "boulevard",
    "bd": "boulevard", "pl": "place", "sq": "square", "ul": "ulica", "nr": "",
}
_SEPARATORS = re.compile(r"[\s,;.:/\\()\[\]\"'`´’‘“”«»_-]+")


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).replace("ß", "ss")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = [word for word in _SEPARATORS.split(text) if word]
    words = [_ABBREVIATIONS.get(word, word) for word in words]
    return " ".join(word for word in words if word)


def location_key(*, address: str = "", city: str = "", country: str = "") -> str:
    """``"de|berlin|friedrichstrasse 12"``: country code, city and address, each folded.

    Two records with the same key are one place, however they were typed.
    """
    return "|".join([(country or "").strip().lower(), _folded(city), _folded(address)])


def location_selector_value(key: str) -> str:
    """The selector value of a place, or "" when it is not precise enough to be a lead.

    Only a street address is a lead: two teams finding adverts in Berlin is no link between them,
    two finding the same flat is.
    """
    country, city, address = (key.split("|") + ["", "", ""])[:3]
    if not address or not (city or country):
        return ""
    return key
