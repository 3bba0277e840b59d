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


@pytest.mark.django_db
def test_swagger_ui_has_no_inline_style_or_script_under_the_sites_policy():
    response = Client().get("/api/docs/")
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    # the site's policy, not one loosened for this page (the directives come in no fixed order)
    assert directives["style-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "nonce-" not in policy
    assert "sha256-" not in policy
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\sstyle=\"", html)
    assert '<link rel="stylesheet" href="/static/css/api-docs.css">' in html  # what the inline <style> held
    assert response.status_code == 200


def test_the_api_docs_stylesheet_is_served_from_static():
    from django.contrib.staticfiles import finders

    found = finders.find("css/api-docs.css")
    assert found is not None
    with open(found) as css:
        assert "box-sizing" in css.read()
