"""Tokens and the signed-in user.

A token is per user; the user can revoke their own here, and an admin revokes anyone's by
deleting it in the Django admin (Auth Token → Tokens). Session sign-in works as well.
"""

from __future__ import annotations

from typing import ClassVar, cast

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
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
from screening.api.views_reference import ApiViewMixin


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(ApiViewMixin, APIView):
    """Your API token: POST username and password to get it, DELETE to revoke it."""

    extra_error_statuses: ClassVar[dict[str, str]] = {
        "429": "Too many requests, or too many failed sign-ins (locked out for a while)."
    }

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        throttles = super().get_throttles()
        return [*throttles, TokenRequestThrottle()] if self.request.method == "POST" else throttles

    @extend_schema(
        summary="Get (or create) your API token",
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
        token, _ = Token.objects.get_or_create(user=credentials.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(summary="Revoke your API token", responses={204: None})
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=cast(User, request.user)).delete()
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
