"""Accounts API: tokens, sign-up, the current user, invitations."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import logout as session_logout
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.utils import timezone
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from tradeloom.accounts import services, tokens
from tradeloom.accounts.api import serializers as s
from tradeloom.accounts.capabilities import INVITATIONS_MANAGE, INVITATIONS_VIEW
from tradeloom.accounts.filters import InvitationFilter
from tradeloom.accounts.models import Invitation
from tradeloom.accounts.selectors import invitation_get, invitation_list
from tradeloom.core.api.schema import api_contract
from tradeloom.core.request_id import current_client
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView
from tradeloom.tenancy.selectors import memberships_of_user

# Token endpoints manage their own transactions: a failed login or a detected token reuse must be recorded
# even though the request is refused (the request-wide transaction would roll that back).
non_atomic = method_decorator(transaction.non_atomic_requests, name="dispatch")


class AnonymousAuthApi(APIView):
    """Endpoints whose credential is in the body (password, refresh token): no header authentication."""

    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []

    def get_authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'  # so a refused credential is a 401, not a 403


@non_atomic
class TokenObtainApi(AnonymousAuthApi):
    @extend_schema(request=s.TokenObtainInput, responses={200: s.TokenPairOutput}, summary="Log in (API client)")
    @api_contract(errors=(401,))  # a wrong e-mail or password
    def post(self, request: Request) -> Response:
        data = s.TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.login_check(
            request=request._request,
            ip=current_client()[0],
            **data.validated_data,
        )
        return Response(tokens.token_pair_issue(user=user))


@non_atomic
class TokenRefreshApi(AnonymousAuthApi):
    @extend_schema(request=s.RefreshInput, responses={200: s.TokenPairOutput}, summary="Rotate a refresh token")
    @api_contract(errors=(401,))  # token_invalid, token_reused, token_revoked
    def post(self, request: Request) -> Response:
        data = s.RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(tokens.token_refresh(raw=data.validated_data["refresh"]))


class LogoutApi(AnonymousAuthApi):
    @extend_schema(request=s.RefreshInput, responses={204: None}, summary="Revoke this login's tokens")
    @api_contract(errors=(401,))  # token_invalid
    def post(self, request: Request) -> Response:
        data = s.RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        tokens.token_family_revoke_by_refresh(raw=data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, summary="Revoke every login of the current user")
    def post(self, request: Request) -> Response:
        tokens.token_families_revoke_all(user=request.user, reason="logout_all", end_sessions=True)  # type: ignore[arg-type]
        if request.auth is None:  # called from a browser session: end it here too
            session_logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegisterApi(AnonymousAuthApi):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        request=s.RegisterInput, responses={201: s.RegisterOutput}, summary="Sign up with a new organisation"
    )
    @api_contract(errors=(409,))  # email_taken
    def post(self, request: Request) -> Response:
        data = s.RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        user, membership = services.user_register(**data.validated_data)
        body = {"user": user, "membership": membership, "tokens": tokens.token_pair_issue(user=user)}
        return Response(s.RegisterOutput(body).data, status=status.HTTP_201_CREATED)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [*APIView.parser_classes, MultiPartParser, FormParser]

    def _render(self, request: Request, user: Any) -> Response:
        memberships = list(memberships_of_user(user=user))
        return Response(s.MeOutput(user, context={"memberships": memberships, "request": request}).data)

    @extend_schema(responses={200: s.MeOutput}, summary="The current user and their organisations")
    def get(self, request: Request) -> Response:
        return self._render(request, request.user)

    @extend_schema(request=s.ProfileUpdateInput, responses={200: s.MeOutput}, summary="Update the profile")
    def patch(self, request: Request) -> Response:
        data = s.ProfileUpdateInput(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.profile_update(user=request.user, data=dict(data.validated_data))  # type: ignore[arg-type]
        return self._render(request, user)


@non_atomic  # a wrong current password counts against the log-in limit even though the change is refused
class PasswordChangeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.PasswordChangeInput, responses={204: None}, summary="Change the password")
    def post(self, request: Request) -> Response:
        data = s.PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.password_change(user=request.user, **data.validated_data)  # type: ignore[arg-type]
        if request.auth is None:
            update_session_auth_hash(request._request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        request=s.InvitationAcceptInput,
        responses={200: s.InvitationAcceptOutput, 201: s.InvitationAcceptOutput},
        summary="Accept an invitation (logged in, or creating an account)",
    )
    @api_contract(errors=(404, 409, 410))  # invitation_invalid; login_required, already_member; expired, revoked …
    def post(self, request: Request) -> Response:
        data = s.InvitationAcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user if request.user.is_authenticated else None
        membership, user, created = services.invitation_accept(
            token=data.validated_data["token"],
            user=user,
            full_name=data.validated_data.get("full_name", ""),
            password=data.validated_data.get("password", ""),
        )
        body: dict[str, Any] = {"membership": membership, "account_created": created}
        if created:
            body["tokens"] = tokens.token_pair_issue(user=user)
        return Response(s.InvitationAcceptOutput(body).data, status=201 if created else 200)


# --- Organisation-scoped --------------------------------------------------------------------------------------


class InvitationListCreateApi(TenantGenericAPIView):
    capabilities = {"GET": INVITATIONS_VIEW, "POST": INVITATIONS_MANAGE}
    serializer_class = s.InvitationOutput
    model = Invitation  # rows come from the selector
    filterset_class = InvitationFilter
    ordering = ("-created_at", "-id")

    @extend_schema(responses={200: s.InvitationOutput(many=True)}, summary="List invitations")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(invitation_list(organization=self.organization)))
        data = s.InvitationOutput(page, many=True, context={"now": timezone.now()}).data
        return self.get_paginated_response(data)

    @extend_schema(request=s.InvitationCreateInput, responses={201: s.InvitationCreatedOutput}, summary="Invite")
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.InvitationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        invitation, token = services.invitation_create(
            organization=self.organization, by=self.membership, **data.validated_data
        )
        invitation.token = token  # type: ignore[attr-defined]
        body = s.InvitationCreatedOutput(invitation, context={"now": timezone.now()}).data
        return Response(body, status=status.HTTP_201_CREATED)


class InvitationRevokeApi(TenantAPIView):
    capabilities = {"POST": INVITATIONS_MANAGE}

    @extend_schema(request=None, responses={200: s.InvitationOutput}, summary="Revoke an invitation")
    def post(self, request: Request, invitation_id: Any) -> Response:
        invitation = invitation_get(organization=self.organization, pk=invitation_id)
        invitation = services.invitation_revoke(invitation=invitation, by=self.membership)
        return Response(s.InvitationOutput(invitation, context={"now": timezone.now()}).data)
