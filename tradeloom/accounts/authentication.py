"""JWT authentication that honours revocation: the token's family is checked with the user, in one query."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from rest_framework_simplejwt.authentication import JWTAuthentication

from tradeloom.accounts.models import User
from tradeloom.accounts.tokens import FAMILY_CLAIM, TokenRevoked
from tradeloom.core.prepared import PreparedQuery

# Every API request runs this: compiled once (core.prepared), it costs the database round trip and little else.
_USER_OF_LIVE_FAMILY = PreparedQuery(
    lambda user, family: User.objects.filter(
        pk=user, is_active=True, token_families__pk=family, token_families__revoked_at__isnull=True
    ),
    user=UUID,
    family=UUID,
)


class FamilyJWTAuthentication(JWTAuthentication):
    www_authenticate_realm = "api"

    def get_user(self, validated_token: Any) -> User:  # type: ignore[override]
        try:
            user_id = UUID(str(validated_token.get("user_id")))
            family_id = UUID(str(validated_token.get(FAMILY_CLAIM)))
        except ValueError:
            raise TokenRevoked() from None
        user = _USER_OF_LIVE_FAMILY.first(user=user_id, family=family_id)
        if user is None:
            raise TokenRevoked()
        return user
