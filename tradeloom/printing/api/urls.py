"""The printing API: two routes per kind of document (``kinds.KINDS``: ``pdfs/purchase-order/<id>/`` and its
``download/``), the PDF jobs and the print profile."""

from django.urls import path

from tradeloom.printing.api import views
from tradeloom.printing.kinds import KINDS

ROUTE_PRIORITY = 120  # see config/urls.py: rarely called

urlpatterns = [
    path("pdfs/jobs/<uuid:job_id>/", views.PdfJobApi.as_view(), name="pdf-job"),
    path("print-profile/", views.PrintProfileApi.as_view(), name="print-profile"),
    path("print-profile/files/", views.PrintProfileLogoApi.as_view(), name="print-profile-logo"),
]
for _kind in KINDS:
    _status, _download = views.pdf_views(_kind.key)
    _route = f"pdfs/{_kind.key}/<uuid:{_kind.url_kwarg}>/"
    urlpatterns += [
        path(_route, _status.as_view(), name=f"pdf-{_kind.key}"),
        path(f"{_route}download/", _download.as_view(), name=f"pdf-{_kind.key}-download"),
    ]
