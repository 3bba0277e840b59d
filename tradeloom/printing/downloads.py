"""The print profile's logo, served to the profile's page and the API (after their capability checks)."""

from __future__ import annotations

from django.http import FileResponse, Http404

from tradeloom.printing.models import PrintProfile


def logo_response(profile: PrintProfile | None) -> FileResponse:
    if profile is None or not profile.logo:
        raise Http404("No logo.")
    extension = (profile.logo.name or "").rsplit(".", 1)[-1]
    response = FileResponse(profile.logo.open("rb"), content_type="image/png" if extension == "png" else "image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
