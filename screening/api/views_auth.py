"""Tokens and the signed-in user.

POST a username and password for a new token (hashed at rest, expiring: screening/api/tokens.py);
DELETE revokes all of your tokens; an admin revokes anyone's in the Django admin (Knox → Auth
tokens). A password change revokes them too. Session sign-in works as well.
"""

from __future__ import annotations

from typing import ClassVar, cast

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from screening import access
from screening.api.serializers_leads import MeSerializer
from screening.api.throttling import LockedOut, TokenRequestThrottle
from screening.api.tokens import issue_token, revoke_tokens
from screening.api.views_reference import ApiViewMixin


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown once.")
    expiry = serializers.DateTimeField(
        allow_null=True, help_text="When the token stops working; ask for a new one before."
    )


class TokenView(ApiViewMixin, APIView):
    """Your API token: POST username and password for a new one, DELETE to revoke yours."""

    extra_error_statuses: ClassVar[dict[str, str]] = {
        "429": "Too many requests, or too many failed sign-ins (locked out for a while)."
    }

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        throttles = super().get_throttles()
        return [*throttles, TokenRequestThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(
        summary="Get a new API token (expires; see `expiry`)",
        request=AuthTokenSerializer,
        responses=TokenSerializer,
        auth=[],
    )
    def post(self, request: Request) -> Response:
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        if not credentials.is_valid():
            # django-axes refused the sign-in (too many failures) before checking the password;
            # it marks the request it was given, here DRF's.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut
            raise ValidationError(credentials.errors)
        token, expiry = issue_token(credentials.validated_data["user"])
        return Response(TokenSerializer({"token": token, "expiry": expiry}).data)

    @extend_schema(summary="Revoke all of your API tokens", responses={204: None})
    def delete(self, request: Request) -> Response:
        revoke_tokens(cast(User, request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ApiViewMixin, APIView):
    """The signed-in user, their roles and (for officers) their regions."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(summary="Who am I: roles and officer regions", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        body = {
            "id": user.pk,
            "username": user.get_username(),
            "roles": sorted(role.value for role in access.roles(user)),
            "region_ids": access.officer_region_ids(user),
        }
        return Response(MeSerializer(body).data)
