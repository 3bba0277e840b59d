from django.urls import path

from tradeloom.proformas.api import views

PROFORMA = "proformas/<uuid:proforma_id>/"

ROUTE_PRIORITY = 40  # see config/urls.py

urlpatterns = [
    path("proformas/", views.ProformasApi.as_view(), name="proformas"),
    path("orders/<uuid:order_id>/proformas/", views.OrderProformasApi.as_view(), name="order-proformas"),
    path(PROFORMA, views.ProformaApi.as_view(), name="proforma"),
    path(f"{PROFORMA}send/", views.ProformaSendApi.as_view(), name="proforma-send"),
    path(f"{PROFORMA}accept/", views.ProformaAcceptApi.as_view(), name="proforma-accept"),
    path(f"{PROFORMA}cancel/", views.ProformaCancelApi.as_view(), name="proforma-cancel"),
    path(f"{PROFORMA}revise/", views.ProformaReviseApi.as_view(), name="proforma-revise"),
]
