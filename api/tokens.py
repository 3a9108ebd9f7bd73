"""The API token endpoint: scripts authenticate with the token of a user who passed both factors."""

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response

from . import auth
from .base import ApiView


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    created = serializers.DateTimeField()


class TokenView(ApiView):
    """The API token of the user who is logged in: scripts authenticate with it."""

    honours_idempotency_key = False  # a replay would hand out a token that has since been replaced

    @extend_schema(
        operation_id="token_create",
        request=None,
        responses={201: TokenSerializer},
        summary="Issue a new API token",
        description="Replaces any token the user had: the old one stops working at once.",
    )
    def post(self, request):
        if not auth.may_have_token(request.user):
            raise exceptions.PermissionDenied("This account may not use API tokens.")
        Token.objects.filter(user=request.user).delete()
        token = Token.objects.create(user=request.user)
        return Response({"token": token.key, "created": token.created}, status=status.HTTP_201_CREATED)

    @extend_schema(operation_id="token_destroy", request=None, responses={204: None}, summary="Revoke the API token")
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
