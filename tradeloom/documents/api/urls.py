from django.urls import path

from tradeloom.documents.api import views

ROUTE_PRIORITY = 70  # see config/urls.py

FILE = "attachments/<uuid:record_file_id>/"

urlpatterns = [
    path("attachments/", views.AttachmentsApi.as_view(), name="attachments"),
    path(FILE, views.AttachmentApi.as_view(), name="attachment"),
    path(f"{FILE}download/", views.AttachmentDownloadApi.as_view(), name="attachment-download"),
]
