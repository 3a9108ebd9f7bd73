"""The audit trail in the API, for the people who review it.

Who may read which events:

- an **auditor** — a user holding the permission ``audit.view_auditevent`` (given in the admin,
  best through a group "Auditors"; superusers hold every permission) — reads the whole trail;
- a **coordinator** reads the events of the operations they coordinate;
- nobody else reads any event: analysts and prosecutors get an empty list, and "not found" for one.

The trail names records by type and id only, never their content, so reading it discloses no
personal data; reading it is therefore not itself recorded.
"""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from api.base import ApiViewSet
from api.filters import IdFilter, InstantFilter, VisibleIdFilter
from audit.models import AuditEvent
from operations.access import audit_events_visible_to, is_auditor
from operations.models import Operation

from .serializers import AuditEventSerializer


def operations_audited_by(user):
    """The operations whose events ``user`` reads: every one for an auditor, the coordinated ones otherwise."""
    return Operation.objects.all() if is_auditor(user) else Operation.objects.coordinated_by(user)


class AuditEventFilter(django_filters.FilterSet):
    operation = VisibleIdFilter(model=Operation, visible=lambda user: operations_audited_by(user),
                                field_name="operation_id", help_text="Operation id.")
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices)
    actor = django_filters.CharFilter(field_name="actor_name", help_text="User name.")
    team = django_filters.CharFilter()
    object_type = django_filters.CharFilter(help_text="Model label, e.g. findings.case.")
    object_id = django_filters.CharFilter()
    after = InstantFilter(field_name="at", lookup_expr="gte")
    before = InstantFilter(field_name="at", lookup_expr="lt")
    seq_after = IdFilter(field_name="seq", lookup_expr="gt", min_value=0,
                         help_text="Events after this sequence number.")

    class Meta:
        model = AuditEvent
        fields = []


@extend_schema_view(
    list=extend_schema(
        summary="The audit trail (auditors: all of it; coordinators: their operations)",
        description="Newest first. Each event carries the SHA-256 of its predecessor (`prev_hash`) and its own.",
    ),
    retrieve=extend_schema(summary="One audit event"),
)
class AuditEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Who collected, changed, consulted, disclosed, combined or erased personal data, when."""

    queryset = AuditEvent.objects.none()  # for the documentation; requests read through get_queryset
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    # Insert order: an event is listed at once, before the sequencer has given it its place in the chain.
    ordering = ("-id",)

    def get_queryset(self):
        return audit_events_visible_to(self.request.user)
