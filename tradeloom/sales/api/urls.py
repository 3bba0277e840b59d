from django.urls import path

from tradeloom.sales.api import views

LINE = "orders/<uuid:order_id>/lines/<uuid:line_id>/"

ROUTE_PRIORITY = 10  # see config/urls.py

urlpatterns = [
    path("orders/", views.OrderListCreateApi.as_view(), name="orders"),
    path("orders/lines/transition/", views.LinesTransitionApi.as_view(), name="lines-transition"),
    path("orders/<uuid:order_id>/", views.OrderDetailApi.as_view(), name="order"),
    path("orders/<uuid:order_id>/stage/", views.OrderStageApi.as_view(), name="order-stage"),
    path("orders/<uuid:order_id>/confirm/", views.OrderConfirmApi.as_view(), name="order-confirm"),
    path("orders/<uuid:order_id>/cancel/", views.OrderCancelApi.as_view(), name="order-cancel"),
    path("orders/<uuid:order_id>/restore/", views.OrderRestoreApi.as_view(), name="order-restore"),
    path("orders/<uuid:order_id>/tasks/", views.OrderTasksApi.as_view(), name="order-tasks"),
    path("orders/<uuid:order_id>/tasks/<uuid:task_id>/", views.OrderTaskApi.as_view(), name="order-task"),
    path("orders/<uuid:order_id>/notes/", views.OrderNotesApi.as_view(), name="order-notes"),
    path("orders/<uuid:order_id>/notes/<uuid:note_id>/", views.OrderNoteApi.as_view(), name="order-note"),
    path(
        "orders/<uuid:order_id>/deletion-requests/",
        views.OrderDeletionRequestsApi.as_view(),
        name="order-deletion-requests",
    ),
    path(
        "orders/<uuid:order_id>/deletion-requests/<uuid:request_id>/decide/",
        views.DeletionDecisionApi.as_view(),
        name="order-deletion-decide",
    ),
    path(LINE, views.LineApi.as_view(), name="line"),
    path("orders/<uuid:order_id>/calculator/", views.OrderCalculatorApi.as_view(), name="order-calculator"),
    path(f"{LINE}transition/", views.LineTransitionApi.as_view(), name="line-transition"),
    path(f"{LINE}deliveries/", views.LineDeliveriesApi.as_view(), name="line-deliveries"),
    path(f"{LINE}deliveries/<uuid:delivery_id>/", views.LineDeliveryApi.as_view(), name="line-delivery"),
    path(
        f"{LINE}deliveries/<uuid:delivery_id>/reverse/",
        views.LineDeliveryReverseApi.as_view(),
        name="line-delivery-reverse",
    ),
    path(f"{LINE}offers/", views.LineOffersApi.as_view(), name="line-offers"),
    path(f"{LINE}offers/<uuid:offer_id>/accept/", views.OfferAcceptApi.as_view(), name="offer-accept"),
]
