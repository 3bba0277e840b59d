from django.urls import path

from tradeloom.sales.api import views

LINE = "orders/<uuid:order_id>/lines/<uuid:line_id>/"

urlpatterns = [
    path("orders/", views.OrderListCreateApi.as_view(), name="orders"),
    path("orders/<uuid:order_id>/", views.OrderDetailApi.as_view(), name="order"),
    path("orders/<uuid:order_id>/stage/", views.OrderStageApi.as_view(), name="order-stage"),
    path(f"{LINE}transition/", views.LineTransitionApi.as_view(), name="line-transition"),
    path(f"{LINE}deliveries/", views.LineDeliveriesApi.as_view(), name="line-deliveries"),
    path(f"{LINE}offers/", views.LineOffersApi.as_view(), name="line-offers"),
    path(f"{LINE}offers/<uuid:offer_id>/accept/", views.OfferAcceptApi.as_view(), name="offer-accept"),
]
