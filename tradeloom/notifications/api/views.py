"""Notifications API: your notifications (list, detail, mark read, mark all read, unread count) and your settings.
Every operation is about the caller's own notifications; anyone else's id is a 404."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tradeloom.notifications import selectors, services
from tradeloom.notifications.api import serializers as s
from tradeloom.notifications.capabilities import NOTIFICATIONS_MANAGE, NOTIFICATIONS_VIEW
from tradeloom.notifications.filters import NotificationFilter
from tradeloom.notifications.models import Notification
from tradeloom.tenancy.api.base import TenantAPIView, TenantGenericAPIView


class NotificationsApi(TenantGenericAPIView):
    capabilities = {"GET": NOTIFICATIONS_VIEW}
    model = Notification  # rows come from the selector
    serializer_class = s.NotificationOutput
    filterset_class = NotificationFilter
    ordering = ("-created_at", "-id")

    @extend_schema(responses={200: s.NotificationOutput(many=True)}, summary="Your notifications, newest first")
    def get(self, request: Request) -> Response:
        qs = selectors.notification_list(organization=self.organization, recipient=self.membership)
        page = self.paginate_queryset(self.filter_queryset(qs))
        return self.get_paginated_response(s.NotificationOutput(page, many=True).data)


class NotificationApi(TenantAPIView):
    capabilities = {"GET": NOTIFICATIONS_VIEW}
    model = Notification

    @extend_schema(responses={200: s.NotificationOutput}, summary="One of your notifications")
    def get(self, request: Request, notification_id: Any) -> Response:
        notification = selectors.notification_get(
            organization=self.organization, recipient=self.membership, pk=notification_id
        )
        return Response(s.NotificationOutput(notification).data)


class NotificationReadApi(TenantAPIView):
    capabilities = {"POST": NOTIFICATIONS_MANAGE}
    model = Notification

    @extend_schema(request=None, responses={200: s.NotificationOutput}, summary="Mark one of your notifications read")
    def post(self, request: Request, notification_id: Any) -> Response:
        notification = selectors.notification_get(
            organization=self.organization, recipient=self.membership, pk=notification_id
        )
        notification = services.notification_mark_read(notification=notification, by=self.membership)
        return Response(s.NotificationOutput(notification).data)


class NotificationUnreadApi(TenantAPIView):
    capabilities = {"POST": NOTIFICATIONS_MANAGE}
    model = Notification

    @extend_schema(request=None, responses={200: s.NotificationOutput}, summary="Mark one of your notifications unread")
    def post(self, request: Request, notification_id: Any) -> Response:
        notification = selectors.notification_get(
            organization=self.organization, recipient=self.membership, pk=notification_id
        )
        notification = services.notification_mark_unread(notification=notification, by=self.membership)
        return Response(s.NotificationOutput(notification).data)


class NotificationsReadAllApi(TenantAPIView):
    capabilities = {"POST": NOTIFICATIONS_MANAGE}

    @extend_schema(
        request=s.ReadAllInput,
        responses={200: s.ReadAllOutput},
        summary="Mark all your unread notifications read (or those of one kind and/or severity)",
    )
    def post(self, request: Request) -> Response:
        data = s.ReadAllInput(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.notifications_mark_all_read(
            organization=self.organization,
            by=self.membership,
            kind=data.validated_data.get("kind", ""),
            severity=data.validated_data.get("severity", ""),
        )
        return Response({"marked": marked})


class NotificationsUnreadCountApi(TenantAPIView):
    capabilities = {"GET": NOTIFICATIONS_VIEW}

    @extend_schema(responses={200: s.UnreadCountOutput}, summary="How many of your notifications are unread")
    def get(self, request: Request) -> Response:
        count = selectors.unread_count(organization=self.organization, recipient=self.membership)
        return Response({"unread": count})


class NotificationPreferencesApi(TenantAPIView):
    capabilities = {"GET": NOTIFICATIONS_VIEW, "PUT": NOTIFICATIONS_MANAGE}

    @extend_schema(responses={200: s.PreferencesOutput}, summary="Your channel for every kind of notification")
    def get(self, request: Request) -> Response:
        channels = selectors.preferences_of(organization=self.organization, membership=self.membership)
        return Response(s.PreferencesOutput(s.preferences_data(channels)).data)

    @extend_schema(
        request=s.PreferencesInput,
        responses={200: s.PreferencesOutput},
        summary="Set your channel for the kinds you name (the others keep theirs)",
    )
    def put(self, request: Request) -> Response:
        data = s.PreferencesInput(data=request.data)
        data.is_valid(raise_exception=True)
        channels = services.preferences_set(
            organization=self.organization,
            membership=self.membership,
            by=self.membership,
            channels={item["kind"]: item["channel"] for item in data.validated_data["preferences"]},
        )
        return Response(s.PreferencesOutput(s.preferences_data(channels)).data)
