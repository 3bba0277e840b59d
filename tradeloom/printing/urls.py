from django.urls import path

from tradeloom.printing import views
from tradeloom.printing.kinds import KINDS

app_name = "printing"

urlpatterns = [
    path("print/profile/", views.profile_view, name="profile"),
    path("print/profile/logo/", views.profile_logo_view, name="profile-logo"),
    path("print/jobs/<uuid:job_id>/", views.pdf_job_view, name="pdf-job"),
    *(
        path(
            f"print/{kind.key}/<uuid:{kind.url_kwarg}>/", views.pdf_view, {"kind_key": kind.key}, name=f"pdf-{kind.key}"
        )
        for kind in KINDS
    ),
]
