"""The OpenAPI schema and Swagger UI, served without any CDN."""

from __future__ import annotations

import re

import pytest
from django.test import Client


@pytest.mark.django_db
def test_schema_is_openapi_3_1():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.1")


@pytest.mark.django_db
def test_swagger_ui_loads_its_assets_locally():
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(not s.startswith(("http://", "https://", "//")) for s in sources), sources
    assert any("swagger-ui" in s for s in sources)
