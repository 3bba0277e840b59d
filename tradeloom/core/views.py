"""The signed-in landing page. The web app's frame grows from here."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")
