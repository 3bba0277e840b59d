"""JWT authentication that honours revocation: the token's family is checked with the user, in one query."""

from __future__ import annotations

from typing import Any

from rest_framework_simplejwt.authentication import JWTAuthentication

from tradeloom.accounts.models import TokenFamily, User
from tradeloom.accounts.tokens import FAMILY_CLAIM, TokenRevoked


class FamilyJWTAuthentication(JWTAuthentication):
    www_authenticate_realm = "api"

    def get_user(self, validated_token: Any) -> User:  # type: ignore[override]
        family = TokenFamily.objects.select_related("user").filter(pk=validated_token.get(FAMILY_CLAIM)).first()
        if (
            family is None
            or family.revoked_at is not None
            or str(family.user_id) != str(validated_token.get("user_id"))
            or not family.user.is_active
        ):
            raise TokenRevoked()
        return family.user
