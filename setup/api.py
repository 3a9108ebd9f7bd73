"""The set-up API: the same as the set-up pages, for scripts. Participants, focus tags and the catalogue
from a file (``dry_run`` first, then all or nothing), memberships, sign-up links. Creating an operation
and moving its status are the operations resource's (``POST /api/v1/operations/``, ``…/close/``)."""

import django_filters
from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.invitations import signed_up_ids
from api.base import ApiView, ApiViewSet
from api.filters import VisibleIdFilter
from operations import services
from operations.access import require_set_up
from operations.countries import COUNTRY_CHOICES
from operations.models import FocusTag, Membership, Operation
from spreadsheets.reading import ImportRejected

from . import people
from .catalogue import catalogue_check, catalogue_import
from .participants import participants_check, participants_import
from .serializers import (
    CatalogueResultSerializer,
    FileErrorSerializer,
    FileImportSerializer,
    FocusTagImportSerializer,
    FocusTagSerializer,
    MembershipCreateSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    ParticipantsResultSerializer,
    SignUpLinksRequestSerializer,
    SignUpLinksResultSerializer,
)
from .tags import focus_tags_check, focus_tags_import

REFUSED = OpenApiResponse(FileErrorSerializer, description="The file was refused: nothing was saved.")


def _refused(exc: ImportRejected) -> Response:
    return Response({"code": "invalid_file", "detail": str(exc), "rows": exc.as_list()},
                    status=status.HTTP_400_BAD_REQUEST)


def _site(request) -> str:
    return request.build_absolute_uri("/")


class ParticipantsImportView(ApiView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="operations_participants_import",
        summary="Import an operation's participants (agencies, experts, people) from a CSV or XLSX file",
        description=(
            "Columns: agency, country (blank for an EU body), kind, experts, name, email, role, team. One row per "
            "person, or per agency without people. The whole file is checked first; with `dry_run` the answer "
            "says what would change; without, all of it is saved or nothing. Nothing is removed: the same file "
            "again changes nothing. Administrators and the operation's lead coordinator."),
        request={"multipart/form-data": FileImportSerializer},
        responses={200: ParticipantsResultSerializer, 400: REFUSED})
    def post(self, request, pk):
        operation = Operation.objects.set_up_by(request.user).filter(pk=pk).first()
        if operation is None:
            raise exceptions.NotFound()
        form = FileImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload, dry_run = form.validated_data["file"], form.validated_data["dry_run"]
        run = participants_check if dry_run else participants_import
        try:
            plan = run(user=request.user, operation=operation, data=upload.read(), filename=upload.name or "")
        except ImportRejected as exc:
            return _refused(exc)
        return Response({"dry_run": dry_run, "sha256": plan.sha256, "counts": plan.counts(),
                         "agencies": plan.agencies, "people": plan.people})


class CatalogueImportView(ApiView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="platform_catalogue_import",
        summary="Import platforms into the catalogue from a CSV or XLSX file",
        description="Columns: name, category, surface (surface or dark), domains (separated by spaces). Known "
                    "platforms keep their domains and get the new ones. `dry_run` to check only.",
        request={"multipart/form-data": FileImportSerializer},
        responses={200: CatalogueResultSerializer, 400: REFUSED})
    def post(self, request):
        form = FileImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        upload, dry_run = form.validated_data["file"], form.validated_data["dry_run"]
        run = catalogue_check if dry_run else catalogue_import
        try:
            rows = run(user=request.user, data=upload.read(), filename=upload.name or "")
        except ImportRejected as exc:
            return _refused(exc)
        return Response({"dry_run": dry_run, "platforms": [
            {"line": r.line, "name": r.name, "category": r.category, "surface": r.surface,
             "new_domains": r.new_domains, "state": r.state} for r in rows]})


class FocusTagFilter(django_filters.FilterSet):
    # An operation the user does not set up filters to nothing, like one that does not exist.
    operation = VisibleIdFilter(field_name="operation_id", model=Operation, help_text="Operation id.",
                                visible=lambda user: Operation.objects.set_up_by(user))

    class Meta:
        model = FocusTag
        fields = []


class MembershipFilter(django_filters.FilterSet):
    operation = VisibleIdFilter(field_name="operation_id", model=Operation, help_text="Operation id.",
                                visible=lambda user: Operation.objects.managed_by(user))
    role = django_filters.ChoiceFilter(choices=Membership.Role.choices)
    team = django_filters.ChoiceFilter(choices=COUNTRY_CHOICES)

    class Meta:
        model = Membership
        fields = []


@extend_schema_view(
    list=extend_schema(summary="The focus tags of the operations the user sets up"),
    create=extend_schema(summary="Add a focus tag to an operation"),
    partial_update=extend_schema(summary="Rename a focus tag (checks and cases carry the new name)"),
    destroy=extend_schema(summary="Remove a focus tag no check or case carries"),
)
class FocusTagViewSet(mixins.ListModelMixin, ApiViewSet):
    """Focus tags of an operation: administrators and its lead coordinator."""

    queryset = FocusTag.objects.none()
    serializer_class = FocusTagSerializer
    filterset_class = FocusTagFilter
    ordering = ("operation_id", "name", "id")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return FocusTag.objects.filter(operation__in=Operation.objects.set_up_by(self.request.user))

    def create(self, request, *args, **kwargs):
        serializer = FocusTagSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        operation = serializer.validated_data["operation"]
        require_set_up(request.user, operation)
        added = services.focus_tags_add(by=request.user, operation=operation, names=[serializer.validated_data["name"]])
        if not added:
            raise ValidationError({"name": "The operation has this focus tag already."})
        return Response(FocusTagSerializer(added[0]).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        tag = self.get_object()
        serializer = FocusTagSerializer(tag, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        tag = services.focus_tag_rename(by=request.user, tag=tag, name=serializer.validated_data.get("name", tag.name))
        return Response(FocusTagSerializer(tag).data)

    def destroy(self, request, *args, **kwargs):
        services.focus_tag_remove(by=request.user, tag=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Import an operation's focus tags from a file (one column, name)",
                   request={"multipart/form-data": FocusTagImportSerializer},
                   responses={200: OpenApiResponse(description="{added: [...], known: [...]}"), 400: REFUSED})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        form = FocusTagImportSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        operation = Operation.objects.set_up_by(request.user).filter(pk=form.validated_data["operation"].pk).first()
        if operation is None:
            raise ValidationError({"operation": "No operation you set up has this id."})
        upload = form.validated_data["file"]
        run = focus_tags_check if form.validated_data["dry_run"] else focus_tags_import
        try:
            added, known = run(user=request.user, operation=operation, data=upload.read(), filename=upload.name or "")
        except ImportRejected as exc:
            return _refused(exc)
        return Response({"dry_run": form.validated_data["dry_run"], "added": added, "known": known})


@extend_schema_view(
    list=extend_schema(summary="Members of the operations the user manages, and whether they have signed up"),
    retrieve=extend_schema(summary="One member"),
    create=extend_schema(summary="Add a person to an operation by e-mail address", request=MembershipCreateSerializer,
                         responses={201: MembershipSerializer}),
    partial_update=extend_schema(summary="Change a member's role, team or agency (from their next request on)",
                                 request=MembershipUpdateSerializer, responses={200: MembershipSerializer}),
    destroy=extend_schema(summary="Remove a member: their access ends with their next request"),
    send_link=extend_schema(summary="E-mail the member a new sign-up link (the old one stops working)", request=None,
                            responses={202: SignUpLinksResultSerializer}),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Who is in an operation: administrators and its coordinators."""

    queryset = Membership.objects.none()
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    ordering = ("operation_id", "team", "id")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    parser_classes = [JSONParser]

    def get_queryset(self):
        managed = Operation.objects.managed_by(self.request.user)
        return Membership.objects.filter(operation__in=managed).select_related("user", "operation")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        done = signed_up_ids([m.user_id for m in page])
        return self.get_paginated_response(MembershipSerializer(page, many=True, context={"signed_up": done}).data)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def _answer(self, membership, status_code=status.HTTP_200_OK):
        membership = self.get_queryset().get(pk=membership.pk)
        return Response(MembershipSerializer(membership, context={"signed_up": signed_up_ids([membership.user_id])})
                        .data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = MembershipCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        operation = Operation.objects.managed_by(request.user).filter(pk=data["operation"].pk).first()
        if operation is None:
            raise ValidationError({"operation": "No operation you manage has this id."})
        membership = people.member_add(by=request.user, operation=operation, email=data["email"],
                                       name=data.get("name", ""), role=data["role"], team=data["team"],
                                       agency=data.get("agency"))
        return self._answer(membership, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = MembershipUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = services.membership_add(
            by=request.user, operation=membership.operation, user=membership.user,
            role=data.get("role", membership.role), team=data.get("team", membership.team),
            agency=data["agency"] if "agency" in data else membership.agency)
        return self._answer(membership)

    def destroy(self, request, *args, **kwargs):
        services.membership_remove(by=request.user, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"], url_path="send-link")
    def send_link(self, request, pk=None):
        membership = self.get_object()
        delivery = people.links_send(by=request.user, operation=membership.operation, site_url=_site(request),
                                     users=[membership.user])
        return Response({"issued": len(delivery.links), "emailed": True}, status=status.HTTP_202_ACCEPTED)


class SignUpLinksView(ApiView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="operations_sign_up_links",
        summary="New sign-up links for the members who have not signed up: e-mailed, or answered as a list",
        request=SignUpLinksRequestSerializer,
        responses={202: SignUpLinksResultSerializer, 200: SignUpLinksResultSerializer})
    def post(self, request, pk):
        operation = Operation.objects.managed_by(request.user).filter(pk=pk).first()
        if operation is None:
            raise exceptions.NotFound()
        form = SignUpLinksRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        users = None
        if data.get("memberships"):
            users = [m.user for m in operation.memberships.filter(pk__in=data["memberships"]).select_related("user")]
        if data["delivery"] == "email":
            delivery = people.links_send(by=request.user, operation=operation, site_url=_site(request), users=users)
            return Response({"issued": len(delivery.links), "emailed": True}, status=status.HTTP_202_ACCEPTED)
        rows = people.links_list(by=request.user, operation=operation, site_url=_site(request), users=users)
        return Response({"issued": len(rows), "emailed": False, "links": [
            {"membership": m.pk, "username": m.user.get_username(), "email": m.user.email,
             "name": m.user.get_full_name(), "team": m.team, "url": link.url, "expires_at": link.expires_at}
            for m, link in rows]})
