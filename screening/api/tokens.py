"""API tokens: hashed at rest, expiring, revoked when the password changes.

Tokens are django-rest-knox's: the database keeps only a SHA-512 digest of each token (and its
first 15 characters to find the row), so a copy of the database or a backup gives nobody a
working token; each token expires after settings.REST_KNOX["TOKEN_TTL"]
(API_TOKEN_TTL_DAYS); a user may hold several (one per client). Knox is maintained, small,
and keeps DRF's `Authorization: Token <key>` header, so existing clients only fetch a new
token. What knox leaves to the project is done here: changing a password (or making it
unusable) revokes every token of that user, as it ends their other sessions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.models import AuthToken


class ExpiringTokenAuthentication(TokenAuthentication):
    """Knox's `Authorization: Token <key>`, in one query per request.

    Knox's own check also walks every other token of the user on each request to delete the
    expired ones (one more query per API call); here an expired token is refused and deleted
    when it is used, and a user's other expired tokens go when they ask for a new one.
    """

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI document's name for this sign-in: `Authorization: Token <key>`, as before."""

    target_class = "screening.api.tokens.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Token",  # noqa: S106 - the header word
        )


def tokens_of(user: AbstractBaseUser) -> QuerySet[AuthToken]:
    return AuthToken.objects.filter(user=user)


def issue_token(user: User) -> tuple[str, datetime | None]:
    """A new token for `user` (shown once, stored hashed) and when it expires.

    Expired tokens of the user go, and only the newest TOKENS_PER_USER are kept, so a client
    that asks for a token at every start does not pile them up.
    """
    tokens_of(user).filter(expiry__lt=timezone.now()).delete()
    instance, token = AuthToken.objects.create(user)
    keep = int(getattr(settings, "API_TOKENS_PER_USER", 10))
    stale = tokens_of(user).order_by("-created").values_list("digest", flat=True)[keep:]
    AuthToken.objects.filter(digest__in=list(stale)).delete()
    return token, instance.expiry


def revoke_tokens(user: AbstractBaseUser) -> int:
    deleted, _ = tokens_of(user).delete()
    return deleted


def revoke_tokens_on_password_change(
    sender: type[AbstractBaseUser], instance: AbstractBaseUser, **kwargs: Any
) -> None:
    """pre_save of the user model: a new password (or an unusable one) revokes every token.

    A new password is one set with set_password() (Django keeps the raw one until the save,
    for its password validators). Django also writes a new hash for an unchanged password at
    sign-in when its hasher's parameters change; it clears the raw password first ("hash
    upgrades shouldn't be considered password changes"), and so does this.
    """
    if instance.pk is None or kwargs.get("raw"):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "password" not in update_fields:
        return
    old_hash = (
        type(instance)._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    ).first()
    if old_hash is None or old_hash == instance.password:
        return
    if getattr(instance, "_password", None) is not None or not instance.has_usable_password():
        revoke_tokens(instance)
