from django.urls import path

from tradeloom.proformas import views

app_name = "proformas"

PROFORMA = "proformas/<uuid:proforma_id>/"
ORDER = "orders/<uuid:order_id>/proformas/"

urlpatterns = [
    path("proformas/", views.proforma_list_view, name="proformas"),
    path("proformas/new/", views.proforma_start_view, name="proforma-start"),
    path(ORDER, views.order_panel_view, name="order-panel"),
    path(f"{ORDER}new/", views.proforma_create_view, name="proforma-new"),
    path(PROFORMA, views.proforma_detail_view, name="proforma"),
    path(f"{PROFORMA}edit/", views.proforma_edit_view, name="proforma-edit"),
    path(f"{PROFORMA}revise/", views.proforma_revise_view, name="proforma-revise"),
    path(f"{PROFORMA}move/", views.proforma_move_view, name="proforma-move"),
]
