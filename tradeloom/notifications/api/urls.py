from django.urls import path

from tradeloom.notifications.api import views

ROUTE_PRIORITY = 30  # see config/urls.py; the unread count is polled, but by browsers through the page's bell

urlpatterns = [
    path("notifications/", views.NotificationsApi.as_view(), name="notifications"),
    path("notifications/unread-count/", views.NotificationsUnreadCountApi.as_view(), name="notifications-unread"),
    path("notifications/read-all/", views.NotificationsReadAllApi.as_view(), name="notifications-read-all"),
    path(
        "notifications/preferences/",
        views.NotificationPreferencesApi.as_view(),
        name="notification-preferences",
    ),
    path("notifications/<uuid:notification_id>/", views.NotificationApi.as_view(), name="notification"),
    path("notifications/<uuid:notification_id>/read/", views.NotificationReadApi.as_view(), name="notification-read"),
    path(
        "notifications/<uuid:notification_id>/unread/",
        views.NotificationUnreadApi.as_view(),
        name="notification-unread",
    ),
]
