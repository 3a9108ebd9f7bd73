"""A DRF client per member of the cast, authenticated as a script would be: with an API token."""

from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def api_as(user) -> APIClient:
    """A client that sends ``Authorization: Token …`` for ``user`` (none for an anonymous user)."""
    client = APIClient()
    if user is not None and user.is_authenticated:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


RESOURCE = {  # cast.family_of key -> router basename
    "case": "case",
    "suspect": "suspect",
    "victim": "victim",
    "url": "url",
    "account": "social-account",
    "evidence": "evidence",
    "check": "platform-check",
}
