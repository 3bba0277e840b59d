from django.urls import path

from tradeloom.webhooks import views

app_name = "webhooks"

ENDPOINT = "settings/webhooks/<uuid:endpoint_id>/"
DELIVERY = f"{ENDPOINT}deliveries/<uuid:webhook_delivery_id>/"

# Under /o/<org_slug>/, in the organisation's settings; every view is guarded by tenancy.web.tenant_view.
urlpatterns = [
    path("settings/webhooks/", views.endpoint_list_view, name="endpoints"),
    path("settings/webhooks/new/", views.endpoint_create_view, name="endpoint-create"),
    path(ENDPOINT, views.endpoint_detail_view, name="endpoint"),
    path(f"{ENDPOINT}edit/", views.endpoint_edit_view, name="endpoint-edit"),
    path(f"{ENDPOINT}secret/", views.endpoint_secret_view, name="endpoint-secret"),
    path(f"{ENDPOINT}test/", views.endpoint_test_view, name="endpoint-test"),
    path(f"{ENDPOINT}replay-failed/", views.replay_failed_view, name="replay-failed"),
    path(DELIVERY, views.delivery_detail_view, name="delivery"),
    path(f"{DELIVERY}replay/", views.delivery_replay_view, name="delivery-replay"),
]
