"""One of everything, with a distinctive marker in every text field: for tests that look for leaks.

    family = marked_family(cast, cast.fr, tag="zqfr")
    family.private      # markers only the team (and its coordinators) may ever see
    family.operation    # markers of what is shared with the operation by default (URLs, accounts, checks)

Markers are lower-case letters and digits (handles are stored lower-case), so they survive HTML,
JSON and CSV escaping unchanged and a plain substring test finds them in any answer.
"""

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.services import evidence_attach
from findings import services as findings
from platforms import services as platforms

from .cast import PNG, make_platform

# Both teams' suspects carry it: matching makes a cross-border hit of it. Not a marker (both hold it).
SHARED_PHONE = "+49 151 23456789"


@dataclass
class MarkedFamily:
    records: dict
    private: dict[str, str] = field(default_factory=dict)
    operation: dict[str, str] = field(default_factory=dict)

    @property
    def markers(self) -> dict[str, str]:
        return self.private | self.operation

    def __getitem__(self, key):
        return self.records[key]


def marked_family(cast, user, *, tag: str, operation=None, phone: str = SHARED_PHONE) -> MarkedFamily:
    """A referred H3 case logged by ``user`` with a suspect, a victim, a URL, an account, three evidence
    files (of the case, the victim and the URL) and a finished platform check, every free-text field and
    every file carrying a marker ``<tag><field>``."""
    op = operation or cast.operation

    def m(name):
        return f"{tag}{name}"

    case = findings.case_create(
        user=user, operation=op, title=f"{m('title')} escort adverts", exploitation_type="sexual",
        summary=f"{m('summary')} one handler for all adverts", handling_code="H3",
        handling_restrictions=f"{m('handling')} only through the liaison officer",
    )
    case = findings.case_refer(user=user, case=case, referred_to=f"{m('referred')} prosecution office")
    suspect = findings.suspect_log(user=user, operation=op, case=case, alias=m("alias"), role="handler",
                                   nationality="RO", age_estimate=41, notes=f"{m('suspectnotes')} calls {phone}")
    victim = findings.victim_log(user=user, operation=op, case=case, age_band="14-17", nationality="UA",
                                 notes=f"{m('victimnotes')} advert in Ukrainian")
    url, _ = findings.url_log(user=user, operation=op, case=case, raw_url=f"https://escortguide.example/{m('urlpath')}",
                              note=m("urlnote"))
    account, _ = findings.account_log(user=user, operation=op, platform=cast.platform, handle=m("handle"),
                                      case=case, display_name=m("displayname"), note=m("accountnote"))
    evidence = evidence_attach(
        user=user, finding=case, upload=SimpleUploadedFile(f"{m('filename')}.png", PNG + m("content").encode()),
        description=m("evidencedesc"), source_url=f"https://escortguide.example/{m('evidencesrc')}",
    )
    victim_evidence = evidence_attach(user=user, finding=victim,
                                      upload=SimpleUploadedFile("photo.png", PNG + m("victimphoto").encode()))
    # Evidence is the team's own even when it documents a URL, which the whole operation sees.
    url_evidence = evidence_attach(user=user, finding=url, description=m("urlevidencedesc"),
                                   upload=SimpleUploadedFile(f"{m('urlfilename')}.png", PNG + m("urlshot").encode()))
    platform = make_platform(name=f"Classifieds {tag}", domain=f"classifieds-{tag}.example", category="classifieds")
    check = platforms.check_plan(user=user, operation=op, platform=platform)
    check = platforms.check_start(user=user, check=check)
    check = platforms.check_finish(user=user, check=check, with_indications=True, note=m("checknote"))
    records = {"case": case, "suspect": suspect, "victim": victim, "url": url, "account": account,
               "evidence": evidence, "victim_evidence": victim_evidence, "url_evidence": url_evidence, "check": check}
    private = {
        "title": m("title"), "summary": m("summary"), "handling": m("handling"), "referred": m("referred"),
        "reference": case.reference, "alias": m("alias"), "suspectnotes": m("suspectnotes"),
        "victim code": victim.code, "victimnotes": m("victimnotes"), "filename": m("filename"),
        "evidencedesc": m("evidencedesc"), "evidencesrc": m("evidencesrc"), "sha256": evidence.sha256,
        "victim photo sha256": victim_evidence.sha256, "file content": m("content"), "victim photo": m("victimphoto"),
        "urlevidencedesc": m("urlevidencedesc"), "urlfilename": m("urlfilename"), "url shot": m("urlshot"),
        "url shot sha256": url_evidence.sha256,
    }
    shared = {
        "urlpath": m("urlpath"), "urlnote": m("urlnote"), "handle": m("handle"), "displayname": m("displayname"),
        "accountnote": m("accountnote"), "checknote": m("checknote"),
    }
    return MarkedFamily(records=records, private=private, operation=shared)


def found_in(text: str, markers: dict[str, str]) -> list[str]:
    """The names of the markers that occur in ``text``."""
    return [name for name, marker in markers.items() if marker in text]
