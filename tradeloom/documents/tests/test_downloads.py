"""Downloads in both modes: streamed by the app (the default), or handed to nginx with ``X-Accel-Redirect`` when
``MEDIA_ACCEL_REDIRECT_PREFIX`` is set and the files are on the local disk — with the same headers either way, after
the same permission check, and never for a file in an S3 bucket. ``make deploy-check`` runs the nginx side live."""

from __future__ import annotations

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.documents.models import Attachment
from tradeloom.documents.tests.conftest import pdf_bytes
from tradeloom.documents.tests.test_api import ctx, upload  # noqa: F401  (the fixture)
from tradeloom.documents.tests.test_s3 import bucket, s3_server  # noqa: F401  (the fixtures)
from tradeloom.tenancy.models import Organization
from tradeloom.tenancy.roles import Role

PREFIX = "/_protected_media/"


def security_headers(response) -> tuple[str, str, str]:
    return response["X-Content-Type-Options"], response["Cache-Control"], response["Content-Security-Policy"]


@pytest.mark.django_db
def test_without_the_setting_the_app_streams_the_bytes(ctx, settings):  # noqa: F811
    # given
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = ""
    data = pdf_bytes("streamed")
    created = upload(ctx, data, "Tech pack.pdf").json()
    # when
    download = ctx.client.get(created["download_url"])
    # then
    assert download.status_code == 200
    assert download.streaming
    assert b"".join(download.streaming_content) == data
    assert not download.has_header("X-Accel-Redirect")
    assert download["Content-Length"] == str(len(data))
    assert security_headers(download) == ("nosniff", "private, no-store", "sandbox; default-src 'none'")


@pytest.mark.django_db
def test_with_the_setting_nginx_is_told_which_file_to_send_and_the_app_sends_no_bytes(ctx, settings):  # noqa: F811
    # given
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = PREFIX
    data = pdf_bytes("by nginx")
    created = upload(ctx, data, "Tech pack SS27 ü.pdf").json()
    with tenant_context(ctx.org):
        name = Attachment.objects.get(pk=created["id"]).file.name
    # when
    download = ctx.client.get(created["download_url"])
    # then
    assert download.status_code == 200
    assert download["X-Accel-Redirect"] == f"/_protected_media/{name}"
    assert name.startswith(f"attachments/{ctx.org.pk}/")
    assert download.content == b""
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Tech%20pack%20SS27%20%C3%BC.pdf" in download["Content-Disposition"]
    assert security_headers(download) == ("nosniff", "private, no-store", "sandbox; default-src 'none'")


@pytest.mark.django_db
def test_with_the_setting_the_permission_check_still_comes_first(ctx, settings, member, api_as):  # noqa: F811
    # given: a restricted merchandiser who may not see the other merchandiser's order
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = PREFIX
    Organization.objects.filter(pk=ctx.org.pk).update(settings={"merchandisers_see_all_orders": False})
    created = upload(ctx, pdf_bytes()).json()
    outsider = api_as(member(Role.MERCHANDISER))
    # when
    refused = outsider.get(created["download_url"])
    # then
    assert refused.status_code == 404
    assert not refused.has_header("X-Accel-Redirect")


@pytest.mark.django_db
def test_with_the_setting_a_file_gone_from_the_disk_is_a_404_not_a_redirect(ctx, settings):  # noqa: F811
    # given
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = PREFIX
    created = upload(ctx, pdf_bytes()).json()
    with tenant_context(ctx.org):
        kept = Attachment.objects.get(pk=created["id"])
    kept.file.storage.delete(kept.file.name)
    # when
    download = ctx.client.get(created["download_url"])
    # then
    assert download.status_code == 404
    assert not download.has_header("X-Accel-Redirect")


@pytest.mark.django_db
def test_files_in_a_bucket_are_streamed_even_with_the_setting(ctx, bucket, settings):  # noqa: F811
    # given
    settings.MEDIA_ACCEL_REDIRECT_PREFIX = PREFIX
    data = pdf_bytes("in the bucket")
    created = upload(ctx, data).json()
    # when
    download = ctx.client.get(created["download_url"])
    # then
    assert download.status_code == 200
    assert not download.has_header("X-Accel-Redirect")
    assert b"".join(download.streaming_content) == data
    assert security_headers(download) == ("nosniff", "private, no-store", "sandbox; default-src 'none'")
