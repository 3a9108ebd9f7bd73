"""The demo operation: an action week shaped like the 2025 EMPACT THB hackathon.

26 participating countries plus Europol and Eurojust, a platform catalogue, one demo user of
every role, and findings logged through the same services analysts use. The operation is set up
through the set-up services (``setup``), as from the set-up pages. Running it again changes
nothing: everything is looked up before it is created, and an import of the same file is a no-op.
"""

import csv
import datetime as dt
import io
import struct
import zlib
from base64 import b32decode

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from evidence.services import evidence_attach
from findings import services as findings
from findings.models import Case, Indicator
from operations import services as operations
from operations.models import Agency, Membership, Operation
from platforms import services as platforms
from platforms.models import Platform
from reports.models import PressParagraph
from reports.services import headline_set, press_paragraph_draft, snapshot_compile
from setup.catalogue import catalogue_import
from setup.participants import participants_import

DEMO_PASSWORD = "actionday-demo"
# The second factor of every demo user: this secret in any authenticator app (or `manage.py demo_code`)
# gives the 6-digit code. Public on purpose, like the password: demo accounts only.
DEMO_TOTP_SECRET = "ACTIONDAYDEMOTOTPSECRETNOTFORUSE"
DEMO_DEVICE_NAME = "demo authenticator"
OPERATION_CODE = "THB-AW-2026"

# (country, agency, experts) — the 2025 edition's 19 EU and 7 third countries.
PARTICIPANTS = [
    ("AT", "Bundeskriminalamt Österreich", 2), ("BE", "Federal Judicial Police", 3),
    ("CY", "Cyprus Police", 1), ("CZ", "Policie České republiky", 2), ("FI", "National Bureau of Investigation", 2),
    ("FR", "OCRTEH", 4), ("DE", "Bundeskriminalamt", 5), ("GR", "Hellenic Police", 2),
    ("HU", "Hungarian National Police", 2), ("IE", "An Garda Síochána", 2), ("IT", "Polizia di Stato", 3),
    ("LV", "State Police of Latvia", 1), ("NL", "Dutch National Police", 8), ("PL", "Polish National Police", 3),
    ("PT", "Polícia Judiciária", 2), ("RO", "Romanian Police", 4), ("SK", "Police Force of Slovakia", 2),
    ("ES", "Policía Nacional", 4), ("SE", "Swedish Police Authority", 3), ("BR", "Polícia Federal", 1),
    ("GE", "Georgian Police", 1), ("XK", "Kosovo Police", 1), ("MD", "Moldovan Police", 2),
    ("RS", "Serbian Police", 1), ("UA", "National Police of Ukraine", 3), ("GB", "National Crime Agency", 2),
]
FOCUS_TAGS = ["Ukrainian refugees", "Labour exploitation", "Escort services", "AI-generated adverts"]
EU_AGENCIES = [("Europol", 4), ("Eurojust", 2)]
OTHER_AGENCIES = [("NL", "Dutch Public Prosecution Service", Agency.Kind.PROSECUTION, 2),
                  ("NL", "Netherlands Labour Authority", Agency.Kind.LABOUR_INSPECTORATE, 1)]

C = Platform.Category
PLATFORMS = [
    ("Facebook", C.SOCIAL_MEDIA, "surface", ["facebook.com", "fb.com"]),
    ("Instagram", C.SOCIAL_MEDIA, "surface", ["instagram.com"]),
    ("TikTok", C.SOCIAL_MEDIA, "surface", ["tiktok.com"]),
    ("X", C.SOCIAL_MEDIA, "surface", ["x.com", "twitter.com"]),
    ("VK", C.SOCIAL_MEDIA, "surface", ["vk.com"]),
    ("Telegram", C.MESSAGING, "surface", ["t.me", "telegram.org"]),
    ("WhatsApp", C.MESSAGING, "surface", ["wa.me", "whatsapp.com"]),
    ("Viber", C.MESSAGING, "surface", ["viber.com"]),
    ("Tinder", C.DATING, "surface", ["tinder.com"]),
    ("Badoo", C.DATING, "surface", ["badoo.com"]),
    ("Bumble", C.DATING, "surface", ["bumble.com"]),
    ("SugarMatch (demo)", C.DATING, "surface", ["sugarmatch.example"]),
    ("EscortGuide EU (demo)", C.ESCORT, "surface", ["escortguide-eu.example"]),
    ("NightCompanions (demo)", C.ESCORT, "surface", ["nightcompanions.example"]),
    ("VIP Models Directory (demo)", C.ESCORT, "surface", ["vipmodels-directory.example"]),
    ("Kleinanzeigen", C.CLASSIFIEDS, "surface", ["kleinanzeigen.de"]),
    ("Leboncoin", C.CLASSIFIEDS, "surface", ["leboncoin.fr"]),
    ("OLX", C.CLASSIFIEDS, "surface", ["olx.ro", "olx.pl", "olx.ua"]),
    ("Marktplaats", C.CLASSIFIEDS, "surface", ["marktplaats.nl"]),
    ("Indeed", C.JOB_BOARD, "surface", ["indeed.com"]),
    ("WorkAbroad Now (demo)", C.JOB_BOARD, "surface", ["workabroad-now.example"]),
    ("SeasonalJobs EU (demo)", C.JOB_BOARD, "surface", ["seasonaljobs-eu.example"]),
    ("Vinted", C.MARKETPLACE, "surface", ["vinted.com"]),
    ("Reddit", C.FORUM, "surface", ["reddit.com"]),
    ("Refugee Help Board (demo)", C.FORUM, "surface", ["refugee-helpboard.example"]),
    ("Hydra Bazaar (demo)", C.DARK_WEB_MARKET, "dark", ["hydrabzr3xq7demo.onion"]),
    ("Silk Row (demo)", C.DARK_WEB_MARKET, "dark", ["silkrowk5m2demo.onion"]),
    ("Organ Exchange (demo)", C.DARK_WEB_MARKET, "dark", ["orgxch7tdemo.onion"]),
]

# username, role, team, agency name
USERS = [
    ("coordinator", Membership.Role.COORDINATOR, "NL", "Dutch National Police"),
    ("europol", Membership.Role.COORDINATOR, "EU", "Europol"),
    ("analyst.de", Membership.Role.ANALYST, "DE", "Bundeskriminalamt"),
    ("analyst.fr", Membership.Role.ANALYST, "FR", "OCRTEH"),
    ("analyst.ro", Membership.Role.ANALYST, "RO", "Romanian Police"),
    ("analyst.nl", Membership.Role.ANALYST, "NL", "Dutch National Police"),
    ("prosecutor", Membership.Role.PROSECUTOR, "NL", "Dutch Public Prosecution Service"),
]


def demo_totp_key() -> str:
    """The demo secret as django-otp stores it (hex)."""
    return b32decode(DEMO_TOTP_SECRET).hex()


def demo_code() -> str:
    """The 6-digit code of the demo authenticator at this moment (it changes every 30 seconds)."""
    return f"{TOTP(b32decode(DEMO_TOTP_SECRET)).token():06d}"


def _give_demo_authenticator(user):
    # Only a user without an authenticator gets the demo one: one enrolled by hand is left as it is.
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=demo_totp_key(), confirmed=True)


def tiny_png(rgb=(200, 30, 30), size=8) -> bytes:
    """A valid PNG of one colour: a stand-in for a screenshot."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def seed(out=None) -> dict:
    """Create the demo; return the logins. Safe to run any number of times.

    The operation is set up as an administrator would on the set-up pages: created, started, its
    platform catalogue and participants imported from files (``setup``); only the demo users are made
    here, with the demo password and authenticator, before the import finds them by e-mail address.
    """
    User = get_user_model()
    with transaction.atomic():
        logins = {}
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create_superuser("admin", "admin@actionday.invalid", DEMO_PASSWORD)
        _give_demo_authenticator(admin)
        logins["admin"] = "administrator"
        for username, role, team, _ in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username, f"{username}@actionday.invalid", DEMO_PASSWORD)
            _give_demo_authenticator(user)
            logins[username] = f"{role} ({team})"

        operation = Operation.objects.filter(code=OPERATION_CODE).first()
        if operation is None:
            lead = operations.agency_ensure(by=admin, name="Dutch National Police", country="NL")
            operation = operations.operation_create(
                user=admin, code=OPERATION_CODE, name="EMPACT THB online action week 2026",
                crime_focus="Trafficking in human beings — online recruitment and exploitation",
                starts_at=dt.datetime(2026, 11, 23, 8, 0, tzinfo=dt.UTC),
                ends_at=dt.datetime(2026, 11, 27, 18, 0, tzinfo=dt.UTC), lead_agency=lead, focus_tags=FOCUS_TAGS)
            operations.operation_start(user=admin, operation=operation)
        catalogue_import(user=admin, data=_table(["name", "category", "surface", "domains"], [
            (name, category, surface, " ".join(domains)) for name, category, surface, domains in PLATFORMS]),
            filename="demo-platforms.csv")
        participants_import(user=admin, operation=operation, data=_participants(), filename="demo-participants.csv")

        if not Case.objects.filter(operation=operation).exists():
            _seed_findings(operation)
        if not PressParagraph.objects.filter(operation=operation).exists():
            _seed_press(operation)
    return logins


def _seed_press(operation):
    """The headline the demo publishes — Europol's 2024 "entities checked" among it — and its press
    paragraph, drafted from the figures as they stand."""
    coordinator = get_user_model().objects.get(username="coordinator")
    headline_set(user=coordinator, operation=operation,
                 keys=["experts", "countries", "platforms_checked", "entities_checked", "urls", "victims",
                       "perpetrators"])
    snapshot_compile(operation=operation)
    press_paragraph_draft(user=coordinator, operation=operation)


def _table(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _participants() -> bytes:
    """The participants' file of the demo: every agency with its experts, and the demo users."""
    rows = [(name, country, "police", experts, "", "", "", "") for country, name, experts in PARTICIPANTS]
    rows += [(name, "", "eu_agency", experts, "", "", "", "") for name, experts in EU_AGENCIES]
    rows += [(name, country, kind, experts, "", "", "", "") for country, name, kind, experts in OTHER_AGENCIES]
    country_of = {name: country for country, name, _ in PARTICIPANTS} | {name: "" for name, _ in EU_AGENCIES}
    country_of |= {name: country for country, name, _, _ in OTHER_AGENCIES}
    for username, role, team, agency in USERS:
        rows.append((agency, country_of[agency], "", "", username, f"{username}@actionday.invalid", role, team))
    return _table(["agency", "country", "kind", "experts", "name", "email", "role", "team"], rows)


def _seed_findings(operation):
    """A believable day's work: checks in every state, cases with entities, shares and evidence."""
    User = get_user_model()
    de, fr, ro, nl = (User.objects.get(username=f"analyst.{t}") for t in ("de", "fr", "ro", "nl"))
    prosecutor = User.objects.get(username="prosecutor")
    platform = {p.name: p for p in Platform.objects.all()}
    indicator = {i.code: i for i in Indicator.objects.all()}

    tags_by_category = {"escort": ["Escort services"], "job_board": ["Labour exploitation", "Ukrainian refugees"],
                        "forum": ["Ukrainian refugees"]}

    def checks(user, names, states):
        for name, state in zip(names, states, strict=True):
            tags = tags_by_category.get(platform[name].category, [])
            check = platforms.check_plan(user=user, operation=operation, platform=platform[name], focus_tags=tags)
            if state != "planned":
                check = platforms.check_start(user=user, check=check)
            if state in ("clean", "indications"):
                platforms.check_finish(user=user, check=check, with_indications=state == "indications")

    checks(de, ["EscortGuide EU (demo)", "Kleinanzeigen", "Telegram", "Hydra Bazaar (demo)", "Tinder"],
           ["indications", "indications", "in_progress", "clean", "planned"])
    checks(fr, ["EscortGuide EU (demo)", "Leboncoin", "Instagram", "Silk Row (demo)"],
           ["indications", "clean", "in_progress", "planned"])
    checks(ro, ["OLX", "Facebook", "WorkAbroad Now (demo)", "Organ Exchange (demo)"],
           ["indications", "in_progress", "indications", "indications"])
    checks(nl, ["Marktplaats", "Refugee Help Board (demo)", "Badoo", "SeasonalJobs EU (demo)"],
           ["indications", "indications", "planned", "clean"])

    # DE: an escort network with a handler, shared with FR and the prosecutor.
    case = findings.case_create(
        user=de, operation=operation, title="Escort adverts with a shared handler number",
        exploitation_type="sexual", summary="Twelve adverts on two escort sites list the same phone number; "
        "the women are always accompanied by the same man. Payment in crypto only.",
        source_reliability="B", information_assessment="2", handling_code="H1", focus_tags=["Escort services"],
    )
    findings.indicators_set(user=de, finding=case, indicators=[indicator["crypto-only-payment"],
                                                               indicator["accompanied-by-handler"]])
    findings.suspect_log(user=de, operation=operation, alias="“Dima”", role="handler", nationality="MD",
                         age_estimate=35, case=case, notes="Phone +49 151 23456789 in every advert.")
    findings.suspect_log(user=de, operation=operation, alias="nightqueen_admin", role="advertiser", case=case)
    for nationality, band in (("UA", "18-24"), ("MD", "18-24"), ("RO", "25-34")):
        findings.victim_log(user=de, operation=operation, case=case, nationality=nationality, sex="female",
                            age_band=band)
    for raw in ("hxxps://escortguide-eu[.]example/berlin/anna-22", "https://escortguide-eu.example/berlin/katya",
                "https://nightcompanions.example/de/profile/88412"):
        url, _ = findings.url_log(user=de, operation=operation, raw_url=raw, case=case)
    findings.indicators_set(user=de, finding=url, indicators=[indicator["ai-generated-advert"]])
    findings.account_log(user=de, operation=operation, platform=platform["Telegram"], handle="@nightqueen_bookings",
                         case=case)
    findings.location_log(user=de, operation=operation, address="Oranienburger Straße 12", city="Berlin", country="DE",
                          case=case, note="Flat named in three adverts as the place to meet.")
    evidence_attach(user=de, finding=case, upload=SimpleUploadedFile("advert-anna.png", tiny_png()),
                    description="Screenshot of the advert", source_url="https://escortguide-eu.example/berlin/anna-22")
    findings.case_share_with_team(user=de, case=case, team="FR")
    findings.case_share_with_prosecutor(user=de, case=case, prosecutor=prosecutor)
    findings.case_refer(user=de, case=case, referred_to="Staatsanwaltschaft Berlin")

    # FR: the same escort site, a French lead, not shared.
    case = findings.case_create(
        user=fr, operation=operation, title="Minors advertised on an escort directory",
        exploitation_type="child_sexual", source_reliability="C", information_assessment="3", handling_code="H0",
        focus_tags=["Escort services", "AI-generated adverts"],
    )
    findings.indicators_set(user=fr, finding=case, indicators=[indicator["minors-offered"]])
    findings.victim_log(user=fr, operation=operation, case=case, nationality="FR", sex="female", age_band="14-17")
    findings.url_log(user=fr, operation=operation, raw_url="https://escortguide-eu.example/berlin/anna-22", case=case)
    findings.url_log(user=fr, operation=operation, raw_url="escortguide-eu(dot)example/paris/lea", case=case)
    # The same flat as the German team's, spelt another way: one location in the figures, and a hit.
    findings.location_log(user=fr, operation=operation, address="oranienburger str. 12", city="BERLIN",
                          country="DE", case=case, note="Contact +33 6 12 34 56 78 for bookings.")
    findings.location_log(user=fr, operation=operation, city="Paris", country="FR", case=case)
    evidence_attach(user=fr, finding=case, upload=SimpleUploadedFile("page.txt", b"Saved advert text, 2 pages."),
                    description="Advert text as saved")

    # RO: labour exploitation through fake job offers, investigation opened.
    case = findings.case_create(
        user=ro, operation=operation, title="Fake seasonal job offers for Ukrainian refugees",
        exploitation_type="labour", source_reliability="B", information_assessment="2", handling_code="H3",
        handling_restrictions="Not to be shared with the employer's home-country authorities before 1 March.",
        focus_tags=["Ukrainian refugees", "Labour exploitation"],
    )
    findings.indicators_set(user=ro, finding=case, indicators=[indicator["recruitment-job-offer"],
                                                               indicator["passport-withheld"],
                                                               indicator["refugee-targeted"]])
    findings.suspect_log(user=ro, operation=operation, alias="Agentia Muncă Vest", role="recruiter",
                         nationality="RO", case=case)
    for n in range(4):
        findings.victim_log(user=ro, operation=operation, case=case, nationality="UA",
                            sex="female" if n % 2 else "male", age_band="25-34")
    findings.url_log(user=ro, operation=operation, raw_url="https://workabroad-now.example/jobs/strawberry-2026",
                     case=case)
    findings.account_log(user=ro, operation=operation, platform=platform["Facebook"], handle="work.abroad.now.eu",
                         case=case)
    findings.location_log(user=ro, operation=operation, address="Strada Gării 4", city="Timișoara", country="RO",
                          case=case, note="Pick-up point named in the job offer; call +40 721 234 567.")
    findings.case_refer(user=ro, case=case, referred_to="DIICOT")
    findings.case_open_investigation(user=ro, case=case)

    # NL: an organ sale lead on the dark web, still open.
    case = findings.case_create(
        user=nl, operation=operation, title="Kidney offered for sale on a dark-web market",
        exploitation_type="organ_removal", source_reliability="X", information_assessment="4",
    )
    findings.indicators_set(user=nl, finding=case, indicators=[indicator["organ-sale"],
                                                               indicator["crypto-only-payment"]])
    findings.url_log(user=nl, operation=operation, raw_url="http://orgxch7tdemo.onion/listing/4471", case=case)
    findings.suspect_log(user=nl, operation=operation, alias="k1dn3y_broker", role="advertiser", case=case)
    for raw in ("https://refugee-helpboard.example/t/housing-amsterdam", "https://marktplaats.nl/v/diensten/3321"):
        findings.url_log(user=nl, operation=operation, raw_url=raw)
    evidence_attach(user=nl, finding=case, upload=SimpleUploadedFile("listing.png", tiny_png((30, 30, 160))),
                    description="Listing screenshot")
