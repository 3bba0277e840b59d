"""Views that fail on purpose, one per error class the problem handler must render."""

from __future__ import annotations

import django_filters
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns
from tradeloom.accounts.models import User
from tradeloom.core.exceptions import ApplicationError


class EchoInput(serializers.Serializer):
    name = serializers.CharField(max_length=5)
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)


class EchoApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request: Request) -> Response:
        data = EchoInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response({"ok": True})


class PrivateApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})

    def post(self, request: Request) -> Response:
        return Response({"ok": True})


class RuleApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request: Request) -> Response:
        raise ApplicationError("Only draft orders can be confirmed.", code="invalid_transition", extra={"x": 1})


class CrashApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request: Request) -> Response:
        User.objects.create_user("half-written@example.com", "x")  # must be rolled back by the handler
        raise RuntimeError("secret-internal-detail SELECT * FROM accounts_user")


class DuplicateApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request: Request) -> Response:
        with transaction.atomic():
            User.objects.create_user("twice@example.com", "x")
            User.objects.create_user("twice@example.com", "x")
        return Response({"ok": True})


class OneRequestPerMinute(AnonRateThrottle):
    rate = "1/min"
    scope = "test-one-per-minute"


class ThrottledApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [OneRequestPerMinute]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class UserRow(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "email", "full_name")


class UserListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes: list = []
    serializer_class = UserRow
    queryset = User.objects.all()
    ordering = ("-date_joined", "-id")


class UserByNameApi(UserListApi):
    ordering = ("full_name", "-id")  # mixed directions: the OR-chain keyset


class UserProjectionApi(UserListApi):
    """Lists rendered from ``values()`` projections paginate the same way."""

    ordering = ("date_joined", "id")

    def get_queryset(self):
        return User.objects.values("id", "email", "full_name", "date_joined")


class UserFilter(django_filters.FilterSet):
    email = django_filters.CharFilter(lookup_expr="icontains")
    joined = django_filters.DateFromToRangeFilter(field_name="date_joined")

    class Meta:
        model = User
        fields = ("is_active",)


class UserFilteredApi(UserListApi):
    filterset_class = UserFilter


def plain_crash_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("crash outside DRF")


test_api = [
    path("echo/", EchoApi.as_view()),
    path("private/", PrivateApi.as_view()),
    path("rule/", RuleApi.as_view()),
    path("crash/", CrashApi.as_view()),
    path("duplicate/", DuplicateApi.as_view()),
    path("throttled/", ThrottledApi.as_view()),
    path("plain-crash/", plain_crash_view),
    path("users/", UserListApi.as_view()),
    path("users-by-name/", UserByNameApi.as_view()),
    path("users-projection/", UserProjectionApi.as_view()),
    path("users-filtered/", UserFilteredApi.as_view()),
]

urlpatterns = [path("api/v1/test/", include(test_api)), *project_urlpatterns]

handler400 = "tradeloom.core.error_views.bad_request"
handler403 = "tradeloom.core.error_views.permission_denied"
handler404 = "tradeloom.core.error_views.page_not_found"
handler500 = "tradeloom.core.error_views.server_error"
