from django.urls import path
from rest_framework.routers import SimpleRouter

from tradeloom.webhooks.api import views

router = SimpleRouter(use_regex_path=False)
router.register("webhooks/endpoints", views.EndpointViewSet, basename="webhook-endpoint")

ENDPOINT = "webhooks/endpoints/<uuid:endpoint_id>/"

ROUTE_PRIORITY = 90  # see config/urls.py: configuration, rarely called

urlpatterns = [
    path("webhooks/event-types/", views.EventTypeListApi.as_view(), name="webhook-event-types"),
    path(f"{ENDPOINT}deliveries/", views.DeliveryListApi.as_view(), name="webhook-deliveries"),
    path(f"{ENDPOINT}deliveries/replay-failed/", views.ReplayFailedApi.as_view(), name="webhook-replay-failed"),
    path(
        f"{ENDPOINT}deliveries/<uuid:webhook_delivery_id>/", views.DeliveryDetailApi.as_view(), name="webhook-delivery"
    ),
    path(
        f"{ENDPOINT}deliveries/<uuid:webhook_delivery_id>/replay/",
        views.DeliveryReplayApi.as_view(),
        name="webhook-delivery-replay",
    ),
    *router.urls,
]
