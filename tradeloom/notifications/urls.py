from django.urls import path

from tradeloom.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox_view, name="inbox"),
    path("notifications/bell/", views.bell_view, name="bell"),
    path("notifications/settings/", views.settings_view, name="settings"),
    path("notifications/read-all/", views.read_all_view, name="read-all"),
    path("notifications/<uuid:notification_id>/", views.open_view, name="open"),
    path("notifications/<uuid:notification_id>/read/", views.read_view, name="read"),
]
