from django.urls import path

from tradeloom.logistics import form_views, views

app_name = "logistics"

SHIPMENT = "shipments/<uuid:shipment_id>/"
ORDER = "orders/<uuid:order_id>/shipments/"

urlpatterns = [
    path("shipments/", views.shipment_list_view, name="shipments"),
    path("shipments/files/<uuid:file_id>/", views.file_download_view, name="file"),
    path(ORDER, views.order_panel_view, name="order-panel"),
    path(f"{ORDER}new/", form_views.shipment_create_view, name="shipment-new"),
    path(SHIPMENT, views.shipment_detail_view, name="shipment"),
    path(f"{SHIPMENT}edit/", form_views.shipment_edit_view, name="shipment-edit"),
    path(f"{SHIPMENT}move/", form_views.shipment_move_view, name="shipment-move"),
    path(f"{SHIPMENT}revise/", form_views.shipment_revise_view, name="shipment-revise"),
    path(f"{SHIPMENT}lines/", form_views.line_add_view, name="line-new"),
    path(f"{SHIPMENT}lines/<uuid:shipment_line_id>/", form_views.line_edit_view, name="line-edit"),
    path(f"{SHIPMENT}lines/<uuid:shipment_line_id>/remove/", form_views.line_remove_view, name="line-remove"),
    path(f"{SHIPMENT}containers/", form_views.container_add_view, name="container-new"),
    path(f"{SHIPMENT}containers/<uuid:container_id>/", form_views.container_edit_view, name="container-edit"),
    path(
        f"{SHIPMENT}containers/<uuid:container_id>/remove/",
        form_views.container_remove_view,
        name="container-remove",
    ),
    path(f"{SHIPMENT}documents/", form_views.document_add_view, name="document-new"),
    path(f"{SHIPMENT}documents/<uuid:document_id>/", form_views.document_edit_view, name="document-edit"),
    path(f"{SHIPMENT}documents/<uuid:document_id>/files/", form_views.document_file_view, name="document-file"),
]
