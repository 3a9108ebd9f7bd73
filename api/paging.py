"""How API lists are paged: cursors in a stable total order (the REST_FRAMEWORK setting names it)."""

from rest_framework import exceptions
from rest_framework.pagination import CursorPagination


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

    def get_paginated_response_schema(self, schema):
        # DRF's examples name an outside host; ours stay on this one.
        described = super().get_paginated_response_schema(schema)
        described["properties"]["next"]["example"] = "/api/v1/cases/?cursor=cD0yMDI2LTExLTI1"
        described["properties"]["previous"]["example"] = "/api/v1/cases/?cursor=cj0xJnA9MjAyNi0xMS0yNQ"
        return described

    def decode_cursor(self, request):
        # A cursor that is not one of ours is a bad request, not a missing page.
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None
