"""How API lists are paged: cursors in a stable total order (the REST_FRAMEWORK setting names it)."""

import re

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

from .filters import MAX_ID

# What DRF writes into a cursor (base64 of a short query string); anything else was not written by us.
CURSOR_PATTERN = r"^[A-Za-z0-9+/]+={0,2}$"
CURSOR_DESCRIPTION = (
    "Where the page starts: copy it from the `next` or `previous` link of the page before, never build one. "
    "A value that is not in this form is refused (400); one in this form that points to no page of this "
    "list answers 404 — start again from the first page, without `cursor`."
)
PAGE_SIZE_DESCRIPTION = "Rows per page, a whole number from 1 (default 50); more than 500 gives 500."


class NoSuchPage(exceptions.NotFound):
    default_detail = "No such page of this list: start again from the first page, without `cursor`."
    default_code = "not_found"


class StableCursorPagination(CursorPagination):
    """Cursor paging in a total order: ``ordering`` of the view, ending with a unique column.

    A cursor never skips or repeats a row when rows are added while a script pages through a list,
    and no page counts or offsets over the whole table.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-created_at", "-id")

    def get_ordering(self, request, queryset, view):
        return tuple(getattr(view, "ordering", None) or self.ordering)

    def get_page_size(self, request):
        # DRF falls back to the default for a page size it cannot read; a script that sent one meant it.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise exceptions.ValidationError({self.page_size_query_param: [PAGE_SIZE_DESCRIPTION]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query", "description": CURSOR_DESCRIPTION,
             "schema": {"type": "string", "pattern": CURSOR_PATTERN}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": PAGE_SIZE_DESCRIPTION, "schema": {"type": "integer", "minimum": 1}},
        ]

    def get_paginated_response_schema(self, schema):
        # DRF's examples name an outside host; ours stay on this one.
        described = super().get_paginated_response_schema(schema)
        described["properties"]["next"]["example"] = "/api/v1/cases/?cursor=cD0yMDI2LTExLTI1"
        described["properties"]["previous"]["example"] = "/api/v1/cases/?cursor=cj0xJnA9MjAyNi0xMS0yNQ"
        return described

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        if not re.fullmatch(CURSOR_PATTERN, encoded):
            raise exceptions.ValidationError({self.cursor_query_param: [CURSOR_DESCRIPTION]})
        try:
            cursor = super().decode_cursor(request)
        except (exceptions.NotFound, UnicodeError):
            raise NoSuchPage() from None
        if cursor.position is not None and not self._readable_position(cursor.position):
            raise NoSuchPage()
        return cursor

    def _readable_position(self, position: str) -> bool:
        """Whether ``position`` is a value of the list's first ordering column (the cursor is not signed)."""
        if "\x00" in position:  # no database column holds it, and PostgreSQL refuses to compare with it
            return False
        try:
            field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        except FieldDoesNotExist:
            return True
        try:
            value = field.to_python(position)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            return False
        if isinstance(field, models.IntegerField):
            return -MAX_ID - 1 <= value <= MAX_ID
        return value is not None
