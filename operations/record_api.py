"""What the API of every record a country team logs shares — platform checks as much as cases:
the fields every record carries, the filters every list takes, ids looked up through the access
rule, and the base viewset (list, read with its consultation recorded, CSV export, delete).

The findings and platforms apps build their resources on these. The rule itself is
``Model.objects.visible_to(user)``; nothing here decides who sees what.
"""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

import audit
from api.base import ApiViewSet
from api.filters import InstantFilter, VisibleIdFilter
from api.serializers import StrictSerializer
from audit.consultation import record_consultation
from spreadsheets.writing import csv_response

from .access import require_change
from .consultations import record_shown, shown_rows
from .countries import COUNTRY_CHOICES
from .models import Operation
from .services import team_record_delete

CSV_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description="CSV (UTF-8), a header row first.")

# The columns every export ends with; the first columns of each kind are those its import takes.
COMMON_COLUMNS = [
    ("id", lambda r: r.pk), ("operation", lambda r: r.operation.code), ("team", lambda r: r.team),
    ("created_by", lambda r: r.created_by.username), ("created_at", lambda r: r.created_at.isoformat()),
]


# --- fields -----------------------------------------------------------------------------------------


class VisibleIdField(serializers.PrimaryKeyRelatedField):
    """The id of a record the requesting user may see; any other id is refused as not existing."""

    def __init__(self, model, **kwargs):
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())  # for the schema; requests use get_queryset
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.visible_to(self.context["request"].user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return self.get_queryset().get(pk=int(data))
        except (ValueError, TypeError, OverflowError):
            self.fail("incorrect_type", data_type=type(data).__name__)
        except self.model.DoesNotExist:
            self.fail("does_not_exist", pk_value=data)


class RelatedNamesField(serializers.ListField):
    """A list of names in, and out of a related manager too (the browsable API shows a record's form)."""

    attribute = "name"

    def to_representation(self, data):
        items = data.all() if hasattr(data, "all") else data
        return [getattr(item, self.attribute, item) for item in items]


class FocusTagNamesField(RelatedNamesField):
    child = serializers.CharField(max_length=80)

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Names of the operation's focus tags.")
        super().__init__(**kwargs)


# --- shapes -----------------------------------------------------------------------------------------


class FindingSerializer(serializers.ModelSerializer):
    """What every finding carries: where it belongs, who logged it, when."""

    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        fields = ["id", "operation", "team", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class NewFindingSerializer(StrictSerializer):
    operation = VisibleIdField(Operation, help_text="Id of an operation the user is a member of.")


class FindingFilter(django_filters.FilterSet):
    """What every finding list can be filtered by."""

    operation = VisibleIdFilter(model=Operation, field_name="operation_id", help_text="Operation id.")
    team = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES, help_text="Country team that logged it.")
    created_after = InstantFilter(field_name="created_at", lookup_expr="gte")
    created_before = InstantFilter(field_name="created_at", lookup_expr="lt")


# --- the base viewset -------------------------------------------------------------------------------


class RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """List, read, log, export and delete one kind of record; subclasses add changes."""

    model = None
    export_kind = ""
    export_columns: list = []  # (column, value of a record), before COMMON_COLUMNS
    export_related = ((), ())  # (select_related, prefetch_related) of an export
    select = ("operation", "created_by")
    prefetch = ()
    create_serializer_class = None
    update_serializer_class = None
    ordering = ("-created_at", "-id")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    # Records of persons (suspects, victims): every list and export names the records it showed in the trail.
    persons = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Only for the documentation (integer ids); requests read through get_queryset.
        if cls.model is not None:
            cls.queryset = cls.model.objects.none()

    def get_queryset(self):
        queryset = self.model.objects.visible_to(self.request.user).select_related(*self.select)
        return queryset.prefetch_related(*self.prefetch) if self.prefetch else queryset

    def get_serializer_class(self):
        # The browsable API asks with the method of the form it draws, on the list or detail page.
        method = getattr(self.request, "method", "")
        if self.create_serializer_class and (self.action == "create" or (self.action, method) == ("list", "POST")):
            return self.create_serializer_class
        if self.update_serializer_class and (
            self.action == "partial_update" or (self.action, method) == ("retrieve", "PATCH")
        ):
            return self.update_serializer_class
        return self.serializer_class

    def parsed(self):
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(self, record, status_code=status.HTTP_200_OK):
        """The record as the user now sees it, read back through the access rule."""
        record = self.get_queryset().get(pk=record.pk)
        return Response(self.serializer_class(record, context=self.get_serializer_context()).data, status=status_code)

    def create(self, request, *args, **kwargs):
        data = self.parsed()
        case = data.get("case")
        if case is not None:
            require_change(request.user, case)  # adding to a case is changing it
        record, created = self.perform_create(data)
        return self.answer(record, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def perform_create(self, data):
        """Log the record through its app's service; returns (record, created)."""
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        justification = self.justification(request) if self.persons else ""  # asked before anything is read
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        if self.persons:
            record_shown(user=request.user, model=self.model, rows=shown_rows(page), how="listed through the API",
                         justification=justification)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        """One record, and the consultation recorded in the audit trail."""
        record = self.get_object()
        record_consultation(user=request.user, obj=record, summary=f"{record._meta.verbose_name} read through the API",
                            justification=self.justification(request))
        return Response(self.get_serializer(record).data)

    def justification(self, request) -> str:
        """Why the records are read; only victims' records ask (findings.api.VictimViewSet)."""
        return ""

    def destroy(self, request, *args, **kwargs):
        team_record_delete(user=request.user, record=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def export_chunks(self, queryset):
        """The records of an export, in chunks (a subclass may blank what a row must not name)."""
        select, prefetch = self.export_related
        queryset = queryset.select_related("operation", "created_by", *select)
        if prefetch:
            queryset = queryset.prefetch_related(*prefetch)
        # Keyset chunks of plain queries, not a server-side cursor: nothing stays open on the database
        # connection while the response streams, and memory stays flat for any size of export.
        queryset, last = queryset.order_by("pk"), 0
        while chunk := list(queryset.filter(pk__gt=last)[:2000]):
            yield chunk
            last = chunk[-1].pk

    @action(detail=False, methods=["get"])
    def export(self, request, *args, **kwargs):
        """Everything of this list the user may see, with the list's filters, as CSV."""
        justification = self.justification(request) if self.persons else ""
        queryset = self.filter_queryset(self.get_queryset())
        rows = list(queryset.order_by("pk").values_list("pk", "operation_id", "team")) if self.persons else []
        if rows:
            record_shown(user=request.user, model=self.model, rows=rows, how="exported as CSV", action="disclose",
                         justification=justification)
            queryset = queryset.filter(pk__lte=rows[-1][0])  # what was recorded, not a row logged meanwhile
        else:
            record_export(user=request.user, model=self.model, kind=self.export_kind, queryset=queryset)
        columns = self.export_columns + COMMON_COLUMNS
        return csv_response(columns, self.export_chunks(queryset), filename=f"actionday-{self.export_kind}.csv")


def record_export(*, user, model, kind: str, queryset, operation=None) -> None:
    """Record an export as a disclosure (the records leave the system): one event per operation and
    country team whose records it holds, so that each team and each operation's coordinators find it
    in their part of the trail."""
    owners = sorted(set(queryset.order_by().values_list("operation_id", "team").distinct()))
    for operation_id, team in owners or [(getattr(operation, "pk", None), "")]:
        audit.record(actor=user, action="disclose", operation=operation_id, team=team,
                     object_type=model._meta.label_lower, summary=f"{model._meta.verbose_name_plural} exported as CSV")


def record_schema(name, output, create=None, update=None, extra=None):
    """The documentation of a record resource's standard endpoints."""
    views = {
        "list": extend_schema(summary=f"List the {name} the user may see"),
        "retrieve": extend_schema(summary=f"Read one of the {name}"),
        "destroy": extend_schema(summary=f"Delete one of the {name} logged in error"),
        "export": extend_schema(
            summary=f"Export the {name} the user may see as CSV",
            filters=True,
            responses={(200, "text/csv"): CSV_RESPONSE},
        ),
    }
    if create:
        views["create"] = extend_schema(
            summary=f"Log one of the {name} for the user's team",
            request=create,
            responses={201: output, 200: OpenApiResponse(output, description="Already logged by the team.")},
        )
    if update:
        views["partial_update"] = extend_schema(summary=f"Change one of the {name}", request=update, responses=output)
    views.update(extra or {})
    return extend_schema_view(**views)
