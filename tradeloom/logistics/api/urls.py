from django.urls import path

from tradeloom.logistics.api import views

SHIPMENT = "shipments/<uuid:shipment_id>/"
DOCUMENT = f"{SHIPMENT}documents/<uuid:document_id>/"

ROUTE_PRIORITY = 30  # see config/urls.py

urlpatterns = [
    path("shipments/", views.ShipmentsApi.as_view(), name="shipments"),
    path(SHIPMENT, views.ShipmentApi.as_view(), name="shipment"),
    path(f"{SHIPMENT}depart/", views.ShipmentDepartApi.as_view(), name="shipment-depart"),
    path(f"{SHIPMENT}arrive/", views.ShipmentArriveApi.as_view(), name="shipment-arrive"),
    path(f"{SHIPMENT}deliver/", views.ShipmentDeliverApi.as_view(), name="shipment-deliver"),
    path(f"{SHIPMENT}return/", views.ShipmentReturnApi.as_view(), name="shipment-return"),
    path(f"{SHIPMENT}cancel/", views.ShipmentCancelApi.as_view(), name="shipment-cancel"),
    path(f"{SHIPMENT}revise-eta/", views.ShipmentEtaReviseApi.as_view(), name="shipment-revise-eta"),
    path(f"{SHIPMENT}lines/", views.ShipmentLinesApi.as_view(), name="shipment-lines"),
    path(f"{SHIPMENT}lines/<uuid:shipment_line_id>/", views.ShipmentLineApi.as_view(), name="shipment-line"),
    path(f"{SHIPMENT}containers/", views.ShipmentContainersApi.as_view(), name="shipment-containers"),
    path(f"{SHIPMENT}containers/<uuid:container_id>/", views.ShipmentContainerApi.as_view(), name="shipment-container"),
    path(f"{SHIPMENT}documents/", views.ShipmentDocumentsApi.as_view(), name="shipment-documents"),
    path(DOCUMENT, views.ShipmentDocumentApi.as_view(), name="shipment-document"),
    path(f"{DOCUMENT}files/", views.ShipmentDocumentFilesApi.as_view(), name="shipment-document-files"),
    path(f"{DOCUMENT}files/<uuid:file_id>/", views.ShipmentDocumentFileApi.as_view(), name="shipment-document-file"),
]
