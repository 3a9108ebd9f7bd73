"""An operation's participants from one CSV or XLSX file: agencies with their experts, and people.

One table, one row per person (or per agency without people):

    agency, country, kind, experts, name, email, role, team

``agency`` and ``country`` (blank for an EU body) name the agency; ``kind`` (police by default, EU
agency without a country) is for a new agency; ``experts`` is the agency's typed number of experts
in this operation — not everyone who works on the day has an account. ``name``, ``email``,
``role`` (analyst, coordinator, prosecutor) and ``team`` (the agency's country by default, EU for
an EU body) make a person: the e-mail address is who they are, and their user name.

The whole file is checked first (``participants_check``: a plan of what would change, for the
preview, or every problem with its line); ``participants_import`` saves all of it or nothing.
Nothing is removed: importing the same file again changes nothing, and a second file adds and
changes people, keeping the others. New people get no password; they sign up through a link
(``setup.people.links_send``).
"""

import hashlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from audit.trail import record_many
from operations.access import require_set_up
from operations.countries import COUNTRY_NAMES, EU_BODIES
from operations.models import Agency, Membership, Operation, Participation

from .tables import Problems, choice, messages_of, read_table, text

COLUMNS = {
    "agency": ("agency_name", "organisation", "organization"),
    "country": ("agency_country",),
    "kind": ("agency_kind",),
    "experts": ("number_of_experts",),
    "name": ("full_name", "person"),
    "email": ("e_mail", "mail", "email_address"),
    "role": (),
    "team": ("country_team",),
}
REQUIRED = ("agency", "country")
_TEAM_BY_NAME = {name.casefold(): code for code, name in COUNTRY_NAMES.items()}


@dataclass
class AgencyRow:
    name: str
    country: str
    kind: str
    experts: int | None
    line: int
    people: int = 0

    @property
    def key(self):
        return (self.name.lower(), self.country)


@dataclass
class PersonRow:
    name: str
    email: str
    role: str
    team: str
    agency: tuple
    line: int


@dataclass
class ParticipantsPlan:
    """What an import would change; the preview shows it, ``participants_import`` saves it."""

    operation: Operation
    sha256: str
    agencies: list[dict] = field(default_factory=list)  # one per agency of the file, for the preview
    people: list[dict] = field(default_factory=list)  # one per person of the file
    new_agencies: list = field(default_factory=list)
    new_participations: list = field(default_factory=list)  # (agency row key, experts)
    changed_participations: list = field(default_factory=list)
    new_users: list = field(default_factory=list)
    renamed_users: list = field(default_factory=list)
    new_memberships: list = field(default_factory=list)  # (email, role, team, agency key)
    changed_memberships: list = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(len(x) for x in (self.new_agencies, self.new_participations, self.changed_participations,
                                    self.new_users, self.renamed_users, self.new_memberships,
                                    self.changed_memberships))

    def counts(self) -> dict:
        return {
            "agencies": len(self.agencies), "people": len(self.people),
            "experts": sum(a["experts"] for a in self.agencies),
            "new_agencies": len(self.new_agencies),
            "new_participations": len(self.new_participations),
            "changed_participations": len(self.changed_participations),
            "new_accounts": len(self.new_users), "renamed_accounts": len(self.renamed_users),
            "new_memberships": len(self.new_memberships), "changed_memberships": len(self.changed_memberships),
            "changes": self.changes,
        }


# --- reading and checking --------------------------------------------------------------------------


def _country(value: str) -> str:
    code = _TEAM_BY_NAME.get(value.casefold(), value.upper())
    if code == EU_BODIES:
        return ""
    if code and code not in COUNTRY_NAMES:
        raise ValueError(f"“{value}” is not a country team code ActionDay knows (ISO 3166-1 alpha-2, e.g. DE)")
    return code


def _team(value: str) -> str:
    code = _TEAM_BY_NAME.get(value.casefold(), value.upper())
    if code not in COUNTRY_NAMES:
        raise ValueError(f"“{value}” is not a country team (e.g. DE, or EU for EU bodies)")
    return code


def _experts(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) > 10_000:
        raise ValueError(f"“{value}” is not a number of experts (0 or more)")
    return int(value)


def _read(rows, problems: Problems):
    agencies: dict[tuple, AgencyRow] = {}
    people: dict[str, PersonRow] = {}
    for line, row in rows:
        bad = len(problems.items)

        def get(name, parse=lambda v: v, row=row, line=line):
            try:
                return parse(text(row, name))
            except (ValueError, ValidationError) as exc:
                problems.add(line, name, messages_of(exc))
                return None

        name, country = get("agency"), get("country", _country)
        kind_text, experts = get("kind"), get("experts", _experts)
        if name == "":
            problems.add(line, "agency", "empty: every row names an agency")
        elif name and len(name) > 200:
            problems.add(line, "agency", "longer than 200 characters")
        kind = None
        if kind_text:
            kind = get("kind", lambda v: choice(v, Agency.Kind.choices, "kind of agency"))
        person = {n: get(n) for n in ("name", "email", "role", "team")}
        if len(problems.items) > bad or name is None or country is None:
            continue
        key = (name.lower(), country)
        agency = agencies.get(key)
        if agency is None:
            default_kind = Agency.Kind.POLICE if country else Agency.Kind.EU_AGENCY
            agency = agencies[key] = AgencyRow(name, country, kind or default_kind, experts, line)
        else:
            if experts is not None and agency.experts not in (None, experts):
                problems.add(line, "experts", f"{experts} experts, but line {agency.line} says {agency.experts}")
            agency.experts = agency.experts if experts is None else experts
            if kind and kind != agency.kind:
                problems.add(line, "kind", f"“{kind}”, but line {agency.line} says “{agency.kind}”")
        if any(person.values()):
            _person(person, agency, line, people, problems)
    return agencies, people


def _person(values, agency: AgencyRow, line, people, problems):
    email = values["email"].lower()
    if not email:
        problems.add(line, "email", "empty: a person needs an e-mail address (it is their user name)")
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.add(line, "email", f"“{values['email']}” is not an e-mail address")
            email = ""
        if len(email) > 150:
            problems.add(line, "email", "longer than 150 characters")
            email = ""
    if not values["name"]:
        problems.add(line, "name", "empty: a person needs a name")
    elif len(values["name"]) > 300:
        problems.add(line, "name", "longer than 300 characters")
    role = ""
    if not values["role"]:
        problems.add(line, "role", f"empty; one of: {', '.join(Membership.Role.values)}")
    else:
        try:
            role = choice(values["role"], Membership.Role.choices, "role")
        except ValueError as exc:
            problems.add(line, "role", exc)
    try:
        team = _team(values["team"]) if values["team"] else (agency.country or EU_BODIES)
    except ValueError as exc:
        problems.add(line, "team", exc)
        team = ""
    if email and email in people:
        problems.add(line, "email", f"{email} is also on line {people[email].line}: one row per person")
        return
    if email and values["name"] and role and team:
        people[email] = PersonRow(values["name"], email, role, team, agency.key, line)
        agency.people += 1


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def participants_check(*, user, operation: Operation, data: bytes, filename: str = "",
                       format: str = "") -> ParticipantsPlan:
    """Read and check the whole file; the plan of what it would change. Raises ImportRejected."""
    require_set_up(user, operation)
    if operation.status == Operation.Status.ARCHIVED:
        raise ValidationError(f"Operation {operation.code} is archived: its participants no longer change.")
    rows = read_table(data, filename=filename, columns=COLUMNS, required=REQUIRED, format=format)
    problems = Problems()
    agencies, people = _read(rows, problems)
    problems.raise_any()
    plan = ParticipantsPlan(operation=operation, sha256=hashlib.sha256(data).hexdigest())
    _plan_agencies(plan, agencies)
    _plan_people(plan, agencies, people, problems)
    problems.raise_any()
    return plan


def _plan_agencies(plan, agencies):
    known = {(a.name.lower(), a.country): a for a in Agency.objects.annotate(lname=Lower("name"))
             .filter(lname__in={k[0] for k in agencies})}
    taking_part = {p.agency_id: p for p in plan.operation.participations.all()}
    members = {}
    for agency_id in plan.operation.memberships.exclude(agency=None).values_list("agency_id", flat=True):
        members[agency_id] = members.get(agency_id, 0) + 1
    for key, row in agencies.items():
        agency = known.get(key)
        participation = taking_part.get(agency.pk) if agency else None
        before = participation.experts if participation else None
        # Typed in the file, else as before, else one per person listed (at least one).
        after = row.experts if row.experts is not None else before if before is not None else max(row.people, 1)
        if agency is None:
            plan.new_agencies.append(row)
        if participation is None:
            plan.new_participations.append((key, after))
        elif after != before:
            plan.changed_participations.append((participation, after))
        plan.agencies.append({
            "name": agency.name if agency else row.name, "country": row.country, "line": row.line,
            "kind": Agency.Kind(agency.kind if agency else row.kind).label,
            "experts": after, "experts_before": before, "accounts": members.get(agency.pk, 0) if agency else 0,
            "listed": row.people,
            "state": "new" if agency is None else "joins" if participation is None else
                     "changed" if after != before else "unchanged",
        })


def _plan_people(plan, agencies, people, problems):
    User = get_user_model()
    emails = list(people)
    accounts: dict[str, list] = {}
    for account in User.objects.annotate(lemail=Lower("email")).filter(lemail__in=emails):
        accounts.setdefault(account.email.lower(), []).append(account)
    taken = {u.username.lower(): u for u in User.objects.annotate(lname=Lower("username")).filter(lname__in=emails)}
    memberships = {m.user_id: m for m in plan.operation.memberships.select_related("agency")}
    for email, row in people.items():
        found = accounts.get(email, [])
        if len(found) > 1:
            problems.add(row.line, "email", f"{len(found)} accounts have the address {email}: an administrator "
                                            "merges them first")
            continue
        account = found[0] if found else None
        if account is None and email in taken:
            problems.add(row.line, "email", f"the user name {email} belongs to an account with another address")
            continue
        first, last = split_name(row.name)
        membership = memberships.get(account.pk) if account else None
        agency_row = agencies[row.agency]
        if account is None:
            plan.new_users.append(row)
            state = "new"
        elif (account.first_name, account.last_name) != (first[:150], last[:150]):
            plan.renamed_users.append((account, first, last))
        if membership is None:
            plan.new_memberships.append(row)
            state = state if account is None else "joins"
        else:
            agency_same = membership.agency is not None and (
                membership.agency.name.lower(), membership.agency.country) == agency_row.key
            if (membership.role, membership.team) != (row.role, row.team) or not agency_same:
                plan.changed_memberships.append((membership, row))
                state = "changed"
            else:
                state = "renamed" if plan.renamed_users and plan.renamed_users[-1][0] is account else "unchanged"
        plan.people.append({"name": row.name, "email": email, "role": row.role, "team": row.team,
                            "agency": agency_row.name, "line": row.line, "state": state})


# --- saving ------------------------------------------------------------------------------------------


def participants_import(*, user, operation: Operation, data: bytes, filename: str = "", format: str = "",
                        expected_sha256: str = "") -> ParticipantsPlan:
    """Check the file, then save all of it or nothing. ``expected_sha256``: the file the preview showed."""
    plan = participants_check(user=user, operation=operation, data=data, filename=filename, format=format)
    if expected_sha256 and expected_sha256 != plan.sha256:
        raise ValidationError("This is not the file the preview showed: check it again.")
    try:
        with transaction.atomic():
            _save(plan, user=user)
    except IntegrityError:
        raise ValidationError("Someone changed the same agencies or people at the same moment. Nothing was imported: "
                              "import the file again, and what was saved will be recognised.") from None
    return plan


def _save(plan: ParticipantsPlan, *, user):
    User = get_user_model()
    operation = plan.operation
    new_agencies = [Agency(name=row.name, country=row.country, kind=row.kind) for row in plan.new_agencies]
    Agency.objects.bulk_create(new_agencies)
    agency_of = {(a.name.lower(), a.country): a for a in new_agencies}
    keys = {key for key, _ in plan.new_participations} | {row.agency for row in plan.new_memberships}
    keys |= {row.agency for _, row in plan.changed_memberships}
    missing = {k for k in keys if k not in agency_of}
    if missing:
        for agency in Agency.objects.annotate(lname=Lower("name")).filter(lname__in={k[0] for k in missing}):
            agency_of.setdefault((agency.name.lower(), agency.country), agency)

    participations = [Participation(operation=operation, agency=agency_of[key], experts=experts)
                      for key, experts in plan.new_participations]
    Participation.objects.bulk_create(participations)
    for participation, experts in plan.changed_participations:
        participation.experts = experts
    Participation.objects.bulk_update([p for p, _ in plan.changed_participations], ["experts"])

    users = []
    for row in plan.new_users:
        first, last = split_name(row.name)
        # No password until the person chooses one through their sign-up link.
        users.append(User(username=row.email, email=row.email, first_name=first[:150], last_name=last[:150],
                          password=make_password(None)))
    User.objects.bulk_create(users)
    for account, first, last in plan.renamed_users:
        account.first_name, account.last_name = first[:150], last[:150]
    User.objects.bulk_update([a for a, _, _ in plan.renamed_users], ["first_name", "last_name"])

    user_of = {u.email.lower(): u for u in users}
    rest = [row.email for row in plan.new_memberships if row.email not in user_of]
    for account in User.objects.annotate(lemail=Lower("email")).filter(lemail__in=rest):
        user_of[account.email.lower()] = account
    memberships = [Membership(user=user_of[row.email], operation=operation, role=row.role, team=row.team,
                              agency=agency_of[row.agency]) for row in plan.new_memberships]
    Membership.objects.bulk_create(memberships)
    for membership, row in plan.changed_memberships:
        membership.role, membership.team, membership.agency = row.role, row.team, agency_of[row.agency]
    Membership.objects.bulk_update([m for m, _ in plan.changed_memberships], ["role", "team", "agency"])

    record_many(actor=user, action="alter", objects=new_agencies, summary="agency added by a participants import")
    record_many(actor=user, action="alter", objects=participations,
                summary="agency joined the operation (participants import)")
    record_many(actor=user, action="alter", objects=[p for p, _ in plan.changed_participations],
                summary="number of experts changed by a participants import")
    record_many(actor=user, action="collect", objects=users, summary="account created by a participants import")
    record_many(actor=user, action="alter", objects=[a for a, _, _ in plan.renamed_users],
                summary="name changed by a participants import")
    record_many(actor=user, action="alter", objects=memberships, summary="member added by a participants import")
    record_many(actor=user, action="alter", objects=[m for m, _ in plan.changed_memberships],
                summary="member's role, team or agency changed by a participants import")
