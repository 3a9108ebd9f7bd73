"""What analysts log: cases and everything that hangs off them.

Cases, suspects, victims and evidence stay with the team that logged them until a case is
shared (a guardian permission on the case, with a team's group or a named prosecutor);
detected URLs and social accounts are shared with the whole operation. See
``operations/access.py``.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from operations.access import VIEW_CASE, FindingQuerySet, reach_of
from operations.countries import COUNTRY_CHOICES, NATIONALITY_CHOICES
from operations.models import TeamOwned
from platforms.models import Platform

# Unambiguous upper-case letters and digits (no 0/O, 1/I) for identifiers people read aloud.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _random_code(prefix: str, length: int = 8) -> str:
    # Random, not sequential: a reference must not reveal how many cases a team has.
    return prefix + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(length))


def new_case_reference() -> str:
    return _random_code("C-")


def new_victim_code() -> str:
    return _random_code("V-", 6)


class ExploitationType(models.TextChoices):
    SEXUAL = "sexual", "Sexual exploitation"
    LABOUR = "labour", "Labour exploitation"
    ORGAN_REMOVAL = "organ_removal", "Organ removal"
    FORCED_CRIMINALITY = "forced_criminality", "Forced criminality"
    BEGGING = "begging", "Forced begging"
    CHILD_SEXUAL = "child_sexual", "Child sexual exploitation"


class Indicator(models.Model):
    """One entry of the indicator taxonomy; seeded by a migration, extended by admins."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    exploitation_type = models.CharField(max_length=32, choices=ExploitationType.choices, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Case(TeamOwned):
    """A lead for national follow-up."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        REFERRED = "referred", "Referred"
        INVESTIGATION_OPENED = "investigation_opened", "Investigation opened"
        CLOSED = "closed", "Closed"

    class CloseReason(models.TextChoices):  # a fixed list: the timeline names it without quoting anyone
        INVESTIGATION_CONCLUDED = "investigation_concluded", "Investigation concluded"
        NO_INDICATION = "no_indication", "No indication of trafficking"
        NOT_ENOUGH_INFORMATION = "not_enough_information", "Not enough information to follow up"
        MERGED = "merged", "Merged into another case"
        HANDLED_ELSEWHERE = "handled_elsewhere", "Followed up outside this operation"
        OTHER = "other", "Other (see the note)"

    class SourceReliability(models.TextChoices):
        A = "A", "A — completely reliable"
        B = "B", "B — usually reliable"
        C = "C", "C — fairly reliable"
        X = "X", "X — reliability cannot be judged"

    class InformationAssessment(models.TextChoices):
        KNOWN_TRUE = "1", "1 — known to be true without reservation"
        KNOWN_PERSONALLY = "2", "2 — known personally to the source"
        NOT_KNOWN_PERSONALLY = "3", "3 — not known personally, corroborated"
        CANNOT_BE_JUDGED = "4", "4 — cannot be judged"

    class HandlingCode(models.TextChoices):
        H0 = "H0", "H0 — law enforcement use only"
        H1 = "H1", "H1 — not for judicial proceedings without the owner's consent"
        H2 = "H2", "H2 — not to be passed on without the owner's consent"
        H3 = "H3", "H3 — other restrictions"

    shared_with_operation = False
    case_path = "pk"

    reference = models.CharField(max_length=16, unique=True, default=new_case_reference, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    exploitation_type = models.CharField(max_length=32, choices=ExploitationType.choices)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.OPEN)
    source_reliability = models.CharField(max_length=1, choices=SourceReliability.choices, default="X")
    information_assessment = models.CharField(max_length=1, choices=InformationAssessment.choices, default="4")
    handling_code = models.CharField(max_length=2, choices=HandlingCode.choices, default="H0")
    handling_restrictions = models.CharField(max_length=300, blank=True, help_text="Required with H3.")
    referred_to = models.CharField(max_length=200, blank=True, help_text="Authority the case was referred to.")
    # Kept when the case is closed afterwards: "investigations opened" counts every case that had one.
    investigation_opened_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=32, choices=CloseReason.choices, blank=True)
    close_note = models.CharField(max_length=300, blank=True, help_text="Required when the reason is “other”.")
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="cases")
    focus_tags = models.ManyToManyField("operations.FocusTag", blank=True, related_name="cases")
    # Raised by every change: a save based on an older version is refused, not silently merged.
    version = models.PositiveIntegerField(default=1)

    objects = FindingQuerySet.as_manager()

    class Meta(TeamOwned.Meta):
        ordering = ["-created_at"]
        permissions = []  # view_case (a default permission) is what a share grants
        constraints = [
            models.CheckConstraint(
                condition=~Q(handling_code="H3") | ~Q(handling_restrictions=""),
                name="case_h3_needs_restrictions",
                violation_error_message="Handling code H3 needs its restrictions written out.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @classmethod
    def shared_case_ids(cls, *, operation_ids, group_name: str = "", user=None) -> list[int]:
        """The ids of the cases of ``operation_ids`` shared with a team's group or with a user by name."""
        if group_name:
            grants = CaseGroupObjectPermission.objects.filter(group__name=group_name)
        elif user is not None:
            grants = CaseUserObjectPermission.objects.filter(user=user)
        else:
            return []
        return list(
            grants.filter(permission__codename=VIEW_CASE, content_object__operation_id__in=operation_ids)
            .values_list("content_object_id", flat=True).distinct()
        )


class CaseUserObjectPermission(UserObjectPermissionBase):
    """A case shared with a named user (a prosecutor). Direct foreign key: an indexed join."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """A case shared with a country team (its ``team:XX`` group)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseLinked(TeamOwned):
    """A finding that may hang off a case, and is shared when that case is."""

    case_path = "case_id"
    shared_case_ids = Case.shared_case_ids

    class Meta(TeamOwned.Meta):
        abstract = True


class Suspect(CaseLinked):
    """A potential perpetrator."""

    class Role(models.TextChoices):
        HANDLER = "handler", "Handler"
        RECRUITER = "recruiter", "Recruiter"
        ADVERTISER = "advertiser", "Advertiser"
        FACILITATOR = "facilitator", "Facilitator"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    shared_with_operation = False

    alias = models.CharField(max_length=200)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="suspects")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.UNKNOWN)
    nationality = models.CharField(max_length=2, choices=NATIONALITY_CHOICES, blank=True, help_text="Empty: unknown.")
    age_estimate = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    # Set when two teams logged the same person: figures count the pair once.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )

    objects = FindingQuerySet.as_manager()

    class Meta(CaseLinked.Meta):
        ordering = ["alias"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_estimate__isnull=True) | Q(age_estimate__lte=120),
                name="suspect_age_plausible",
                violation_error_message="An age estimate above 120 is not plausible.",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=models.F("id")), name="suspect_not_own_duplicate"),
        ]

    def __str__(self):
        return self.alias


class PossibleVictim(CaseLinked):
    """A potential victim, known only by a pseudonymous code."""

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    class AgeBand(models.TextChoices):
        CHILD = "0-13", "0–13"
        ADOLESCENT = "14-17", "14–17"
        YOUNG_ADULT = "18-24", "18–24"
        ADULT = "25-34", "25–34"
        MIDDLE = "35-49", "35–49"
        OLDER = "50+", "50 and over"
        UNKNOWN = "unknown", "Unknown"

    MINOR_BANDS = ("0-13", "14-17")
    shared_with_operation = False

    code = models.CharField(max_length=12, default=new_victim_code, editable=False)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="victims")
    nationality = models.CharField(max_length=2, choices=NATIONALITY_CHOICES, blank=True, help_text="Empty: unknown.")
    sex = models.CharField(max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    is_minor = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    # Set when two teams logged the same person: figures count the pair once.
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )

    objects = FindingQuerySet.as_manager()

    class Meta(CaseLinked.Meta):
        verbose_name = "possible victim"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "code"], name="victim_code_unique_in_operation"),
            models.CheckConstraint(
                condition=~Q(age_band__in=("0-13", "14-17")) | Q(is_minor=True),
                name="victim_minor_band_is_minor",
                violation_error_message="An age band under 18 means the person is a minor.",
            ),
            models.CheckConstraint(condition=~Q(duplicate_of=models.F("id")), name="victim_not_own_duplicate"),
        ]

    def __str__(self):
        return self.code


class DetectedUrl(CaseLinked):
    """A URL found during monitoring, stored once per team and operation in canonical form."""

    shared_with_operation = True

    url = models.CharField(max_length=2048)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="urls")
    host = models.CharField(max_length=255, db_index=True)
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, null=True, blank=True, related_name="urls")
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="urls")
    note = models.TextField(blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta(CaseLinked.Meta):
        verbose_name = "URL"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "team", "url"], name="url_once_per_team"),
        ]

    def __str__(self):
        return self.url


class SocialAccount(CaseLinked):
    """An account on a platform (a handle), stored once per team and operation."""

    shared_with_operation = True

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="accounts")
    handle = models.CharField(max_length=200, help_text="Normalised: lower case, no leading @.")
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="accounts")
    display_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta(CaseLinked.Meta):
        ordering = ["platform__name", "handle"]
        constraints = [
            models.UniqueConstraint(fields=["operation", "team", "platform", "handle"], name="account_once_per_team"),
        ]

    def __str__(self):
        return f"{self.platform}: {self.handle}"


def evidence_path(instance, filename):
    # The stored name is random: the original name is kept as metadata only, never as a path.
    return f"evidence/{instance.operation_id}/{secrets.token_hex(16)}"


class Evidence(CaseLinked):
    """A stored file. Its content and hash never change once saved (a trigger refuses it)."""

    shared_with_operation = False

    file = models.FileField(upload_to=evidence_path, max_length=200)
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, help_text="Sniffed from the content, not from the name.")
    original_name = models.CharField(max_length=255, blank=True)
    description = models.CharField(max_length=300, blank=True)
    source_url = models.CharField(max_length=2048, blank=True)
    captured_at = models.DateTimeField(default=timezone.now)
    captured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # What the file documents, besides the case: at most one other finding.
    suspect = models.ForeignKey(Suspect, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    victim = models.ForeignKey(
        PossibleVictim, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    url = models.ForeignKey(DetectedUrl, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    account = models.ForeignKey(
        SocialAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )

    objects = FindingQuerySet.as_manager()

    class Meta(CaseLinked.Meta):
        verbose_name_plural = "evidence"
        ordering = ["-captured_at"]
        constraints = [
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_sha256_hex"),
        ]

    def __str__(self):
        return f"Evidence {self.sha256[:12]}…"


class Selector(TeamOwned):
    """A normalised identifier extracted from a finding, for cross-border matching."""

    class Kind(models.TextChoices):
        PHONE = "phone", "Phone number"
        EMAIL = "email", "E-mail address"
        WALLET = "wallet", "Crypto wallet"
        HANDLE = "handle", "Social handle"
        URL_HOST = "url_host", "URL host"
        URL = "url", "URL"
        LOCATION = "location", "Location"

    shared_with_operation = False
    case_path = "case_id"
    shared_case_ids = Case.shared_case_ids

    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=512)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="selectors")
    suspect = models.ForeignKey(Suspect, on_delete=models.CASCADE, null=True, blank=True, related_name="selectors")
    victim = models.ForeignKey(
        PossibleVictim, on_delete=models.CASCADE, null=True, blank=True, related_name="selectors"
    )
    url = models.ForeignKey(DetectedUrl, on_delete=models.CASCADE, null=True, blank=True, related_name="selectors")
    account = models.ForeignKey(
        SocialAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="selectors"
    )
    location = models.ForeignKey("findings.Location", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="selectors")
    # Null until the selector has been compared with every other team's: the matching job's
    # pending state, which the periodic sweep picks up when an enqueue was lost.
    matched_at = models.DateTimeField(null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta(TeamOwned.Meta):
        indexes = [
            *TeamOwned.Meta.indexes,
            models.Index(fields=["kind", "value"], name="selector_kind_value"),
            models.Index(fields=["id"], condition=Q(matched_at__isnull=True), name="selector_unmatched"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


def awaiting_answer(team) -> Q:
    """The hits ``team`` holds a side of and has not answered yet (a filter, or a column to select)."""
    return Q(team_a=team, answer_a=Hit.Answer.OPEN) | Q(team_b=team, answer_b=Hit.Answer.OPEN)


class HitQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Hits the user may see: those of their own team, and every hit of an operation they coordinate.

        A team sees a hit in the operation where its selector was logged and in the operation where
        the hit was found (the later of the two). Prosecutors see none.
        """
        q = Q(pk__in=[])
        if not user.is_authenticated:
            return self.filter(q)
        reach = reach_of(user)
        if reach.coordinated:
            q |= Q(operation_a__in=reach.coordinated) | Q(operation_b__in=reach.coordinated)
        for team, operation_ids in reach.analyst_ops_by_team.items():
            q |= Q(team_a=team) & (Q(operation_a__in=operation_ids) | Q(operation__in=operation_ids))
            q |= Q(team_b=team) & (Q(operation_b__in=operation_ids) | Q(operation__in=operation_ids))
        return self.filter(q)

    def in_operation(self, operation):
        """Hits that involve the operation on either side."""
        return self.filter(Q(operation_a=operation) | Q(operation_b=operation))

    def involving_team(self, team):
        return self.filter(Q(team_a=team) | Q(team_b=team))

    def open(self):
        """Hits that at least one of the two teams has not answered yet."""
        return self.filter(Q(answer_a=Hit.Answer.OPEN) | Q(answer_b=Hit.Answer.OPEN))

    def answered(self):
        return self.exclude(answer_a=Hit.Answer.OPEN).exclude(answer_b=Hit.Answer.OPEN)

    def awaiting_answer_from(self, team):
        """Hits that ``team`` holds a side of and has not answered yet."""
        return self.filter(awaiting_answer(team))

    def for_finding(self, finding):
        """Hits on the selectors of one finding (of a case: of everything that hangs off it)."""
        field = {"case": "case", "suspect": "suspect", "possiblevictim": "victim", "detectedurl": "url",
                 "socialaccount": "account", "location": "location"}[finding._meta.model_name]
        return self.filter(Q(**{f"selector_a__{field}": finding.pk}) | Q(**{f"selector_b__{field}": finding.pk}))


class Hit(models.Model):
    """Two country teams hold the same selector (hit/no-hit).

    Each team is told only that the other team holds a selector of this kind and value, and in
    which operation — never which finding or case it sits on — until that team shares its case.
    Side ``a`` is the selector with the lower id; each side answers for itself: share its case
    with the other team, or decline with a reason.
    """

    class Answer(models.TextChoices):
        OPEN = "open", "Open"
        SHARED = "shared", "Case shared"
        DECLINED = "declined", "Declined"

    kind = models.CharField(max_length=16, choices=Selector.Kind.choices)
    value = models.CharField(max_length=512)
    # The later of the two operations: where the link was found, and where it is counted.
    operation = models.ForeignKey("operations.Operation", on_delete=models.PROTECT, related_name="+")
    selector_a = models.ForeignKey(Selector, on_delete=models.CASCADE, related_name="+")
    team_a = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    operation_a = models.ForeignKey("operations.Operation", on_delete=models.PROTECT, related_name="+")
    answer_a = models.CharField(max_length=16, choices=Answer.choices, default=Answer.OPEN)
    reason_a = models.CharField(max_length=500, blank=True)
    answered_at_a = models.DateTimeField(null=True, blank=True)
    selector_b = models.ForeignKey(Selector, on_delete=models.CASCADE, related_name="+")
    team_b = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    operation_b = models.ForeignKey("operations.Operation", on_delete=models.PROTECT, related_name="+")
    answer_b = models.CharField(max_length=16, choices=Answer.choices, default=Answer.OPEN)
    reason_b = models.CharField(max_length=500, blank=True)
    answered_at_b = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = HitQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["selector_a", "selector_b"], name="hit_once_per_selector_pair"),
            models.CheckConstraint(condition=Q(selector_a__lt=models.F("selector_b")), name="hit_pair_ordered"),
            models.CheckConstraint(condition=~Q(team_a=models.F("team_b")), name="hit_across_teams"),
        ]
        indexes = [
            models.Index(fields=["operation_a", "team_a"], name="hit_op_team_a"),
            models.Index(fields=["operation_b", "team_b"], name="hit_op_team_b"),
            models.Index(fields=["operation", "kind", "value"], name="hit_op_kind_value"),
            models.Index(fields=["selector_b"], name="hit_selector_b"),
        ]

    def __str__(self):
        return f"Hit {self.get_kind_display()} {self.team_a}↔{self.team_b}"


from .locations import Location  # noqa: E402,F401 - a model of this app in its own module (a circular import otherwise)
