"""The classes that the REST_FRAMEWORK setting names: token authentication, paging, rendering.

Kept apart from ``config/api.py`` because DRF imports them while ``rest_framework.views`` itself
loads: nothing here may import it.
"""

import re

from rest_framework import authentication, exceptions, renderers
from rest_framework.pagination import CursorPagination

# --- tokens ------------------------------------------------------------------------------------


def may_have_token(user) -> bool:
    """Whether this user may hold and use an API token: only with a confirmed authenticator app.

    The one place that decides it: token issuance asks it, and so does every token-authenticated
    request, so an account whose second factor is removed loses the tokens it had. A request with
    a token needs no code of its own: the token stands for a login that passed both factors.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice  # late: DRF imports this module early

    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``, refused for users who may no longer hold a token."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if not may_have_token(user):
            raise exceptions.AuthenticationFailed("This account may not use API tokens.")
        return user, token


class TwoFactorRequired(exceptions.PermissionDenied):
    default_detail = "Confirm your second factor first: log in in a browser and enter the code from your app."
    default_code = "two_factor_required"


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser's session, only once it has passed the second factor (and with DRF's CSRF check).

    ``operations.auth_middleware`` already turns such sessions away; this keeps the API shut
    even where that middleware would not run.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and not getattr(result[0], "is_verified", lambda: False)():
            raise TwoFactorRequired
        return result


# --- paging ------------------------------------------------------------------------------------


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


# --- the browsable API, with finding URLs inert ----------------------------------------------------

# Words the browsable API's template would turn into live links (it "urlizes" the JSON it shows).
_LINKABLE = re.compile(r"(?i)\bhttps?://[^\s\"'<>]+|\bwww\.[^\s\"'<>]+|\b[\w.-]+\.(?:com|edu|gov|int|mil|net|org)\b")


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, except that addresses from findings are shown defanged, never as links.

    Links into this API itself (the next page, a download) stay clickable.
    """

    def get_content(self, renderer, data, accepted_media_type, renderer_context):
        from findings.canonical import defang

        content = super().get_content(renderer, data, accepted_media_type, renderer_context)
        own = renderer_context["request"].build_absolute_uri("/api/")

        def inert(match):
            word = match.group(0)
            if word.startswith(own):
                return word
            if "://" in word:
                return defang(word)
            return word.replace(".", "[.]")

        return _LINKABLE.sub(inert, content)
