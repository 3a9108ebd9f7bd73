"""How the API authenticates: a token of a user with a confirmed second factor, or a browser session
that passed it. The REST_FRAMEWORK setting names these classes.

Kept apart from ``api.base`` because DRF imports them while ``rest_framework.views`` itself loads:
nothing here may import it.
"""

from rest_framework import authentication, exceptions


def may_have_token(user) -> bool:
    """Whether this user may hold and use an API token: only with a confirmed authenticator app.

    The one place that decides it: token issuance asks it, and so does every token-authenticated
    request, so an account whose second factor is removed loses the tokens it had. A request with
    a token needs no code of its own: the token stands for a login that passed both factors.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice  # late: DRF imports this module before models load

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

    ``accounts.middleware`` already turns such sessions away; this keeps the API shut
    even where that middleware would not run.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and not getattr(result[0], "is_verified", lambda: False)():
            raise TwoFactorRequired
        return result
