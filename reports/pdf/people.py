"""How the reports name people and records: full name where known, with login, team and agency."""

from django.contrib.auth import get_user_model

from operations.countries import country_name
from operations.models import Membership


def person(user) -> str:
    """ "Łukasz Nowak (lnowak)", or the login alone when no name is on file."""
    if user is None:
        return "—"
    name = user.get_full_name().strip()
    login = user.get_username()
    return f"{name} ({login})" if name else login


class People:
    """The operation's members, looked up once per report: who someone is and for whom they work."""

    def __init__(self, operation):
        self.memberships = {
            m.user_id: m for m in Membership.objects.filter(operation=operation).select_related("user", "agency")
        }
        self._users = {uid: m.user for uid, m in self.memberships.items()}

    def user(self, user_id):
        if user_id is None:
            return None
        if user_id not in self._users:
            self._users[user_id] = get_user_model().objects.filter(pk=user_id).first()
        return self._users[user_id]

    def name(self, user_id, fallback: str = "—") -> str:
        user = self.user(user_id)
        return person(user) if user is not None else fallback

    def with_affiliation(self, user_id, fallback: str = "—") -> str:
        """ "Łukasz Nowak (lnowak), team PL, Polish National Police"."""
        label = self.name(user_id, fallback)
        membership = self.memberships.get(user_id)
        if membership is None:
            return label
        parts = [label, f"team {membership.team}"]
        if membership.agency_id:
            parts.append(membership.agency.name)
        return ", ".join(parts)

    def describe(self, user_id) -> str:
        """ "Anna Meyer (prosecutor.nl) — prosecutor, team NL, Dutch Public Prosecution Service"."""
        membership = self.memberships.get(user_id)
        if membership is None:
            return self.name(user_id)
        parts = [membership.get_role_display().lower(), f"team {membership.team}"]
        if membership.agency_id:
            parts.append(membership.agency.name)
        return f"{self.name(user_id)} — {', '.join(parts)}"

    def role(self, user_id) -> str:
        membership = self.memberships.get(user_id)
        return membership.get_role_display().lower() if membership else ""


def team_label(code: str) -> str:
    return f"{country_name(code)} ({code})" if code else "—"
