from django.urls import path

from tradeloom.sales import views

app_name = "sales"

urlpatterns = [
    path("orders/", views.order_list_view, name="orders"),
    path("orders/<uuid:order_id>/", views.order_detail_view, name="order"),
    path("orders/<uuid:order_id>/lines/", views.order_lines_partial_view, name="order-lines"),
    path("orders/<uuid:order_id>/lines/<uuid:line_id>/transition/", views.line_transition_view, name="line-transition"),
    path("orders/<uuid:order_id>/lines/<uuid:line_id>/deliveries/", views.delivery_create_view, name="line-delivery"),
]
