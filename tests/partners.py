"""A scene for the partners' formats: what may leave and what may not, logged through the services.

Team DE's case ``open_case`` (H0) has a suspect with a phone, a wallet and an e-mail address in the
notes, a possible victim whose number is also written in the case summary, a URL and a Telegram
account; its case ``restricted`` (H2) has a suspect with a phone of its own. Team FR logged a URL
without a case.
"""

from dataclasses import dataclass

from findings import services as findings
from findings.models import Indicator
from operations.models import FocusTag

from .cast import make_platform

SUSPECT_PHONE = "+4915123456789"
VICTIM_PHONE = "+4915298765432"
RESTRICTED_SUSPECT_PHONE = "+491605551234"
BTC = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
XMR = "4AdUndXHHZ6cfufTMvppY6JwXNouMBzSkbLYfpAV5Usx3skxNgYeYTRj5UzqtReoS44qo9mtmXCqY45DJ852K5Jv2684Rge"
SUSPECT_EMAIL = "dima@escort-mail.example"
DE_URL = "https://escort-ads.example/anna?id=7"
FR_URL = "https://jobs-abroad.example/offer/7"


@dataclass
class Scene:
    open_case: object
    restricted: object
    suspect: object
    victim: object
    url: object
    account: object
    fr_url: object


def partners_scene(cast) -> Scene:
    FocusTag.objects.get_or_create(operation=cast.operation, name="Ukrainian refugees")
    telegram = make_platform(name="Telegram", domain="t.me", category="messaging")
    open_case = cast.case_of(cast.de, title="Ads on escort-ads.example", focus_tags=["Ukrainian refugees"],
                             summary=f"The victim was reached on {VICTIM_PHONE}.")
    crypto, _ = Indicator.objects.get_or_create(code="crypto-only-payment", defaults={"name": "Crypto-only payment"})
    findings.indicators_set(user=cast.de, finding=open_case, indicators=[crypto])
    suspect = findings.suspect_log(
        user=cast.de, operation=cast.operation, alias="Dima", case=open_case,
        notes=f"Calls from +49 151 23456789, paid to {BTC} and {XMR}, writes from {SUSPECT_EMAIL}.",
    )
    victim = findings.victim_log(user=cast.de, operation=cast.operation, case=open_case, age_band="18-24",
                                 notes="Her phone: 0152 98765432")
    url, _ = findings.url_log(user=cast.de, operation=cast.operation, raw_url=DE_URL, case=open_case)
    account, _ = findings.account_log(user=cast.de, operation=cast.operation, platform=telegram,
                                      handle="@Anna_VIP_Bookings", case=open_case)
    restricted = cast.case_of(cast.de, title="Labour recruiter", exploitation_type="labour", handling_code="H2")
    findings.suspect_log(user=cast.de, operation=cast.operation, alias="Recruiter", case=restricted,
                         notes="Phone 0160 5551234")
    fr_url, _ = findings.url_log(user=cast.fr, operation=cast.operation, raw_url=FR_URL)
    return Scene(open_case, restricted, suspect, victim, url, account, fr_url)
