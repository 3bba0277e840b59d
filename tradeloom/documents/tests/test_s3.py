"""Attachments in an S3-compatible bucket: a real S3 server (moto's, in a thread on 127.0.0.1 — no network beyond the
loopback) behind django-storages, with the settings ``TRADELOOM_S3_BUCKET`` would give; upload → list → download →
new version → archive through the API, and the bucket holds exactly what it should."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from moto.server import ThreadedMotoServer

from tradeloom.core.context import tenant_context
from tradeloom.documents.models import Attachment
from tradeloom.documents.tests.conftest import pdf_bytes
from tradeloom.documents.tests.test_api import ctx, listing, upload  # noqa: F401  (the fixture)

BUCKET = "tradeloom-test-files"
KEY, SECRET, REGION = "test-key", "test-secret", "us-east-1"


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name=REGION,
        config=Config(s3={"addressing_style": "path"}),
    )
    client.create_bucket(Bucket=BUCKET)
    # what config/settings/base.py sets up from TRADELOOM_S3_* (the test settings keep the file system otherwise)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": REGION,
                "access_key": KEY,
                "secret_key": SECRET,
                "addressing_style": "path",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client: Any) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


@pytest.mark.django_db
def test_files_round_trip_through_an_s3_bucket(ctx, bucket, django_capture_on_commit_callbacks):  # noqa: F811
    from storages.backends.s3 import S3Storage

    first_bytes, second_bytes = pdf_bytes("first"), pdf_bytes("second")

    # upload
    first = upload(ctx, first_bytes, "Tech pack.pdf")
    assert first.status_code == 201, first.content
    first = first.json()
    with tenant_context(ctx.org):
        kept = Attachment.objects.get(pk=first["id"])
    assert isinstance(kept.file.storage, S3Storage)
    assert keys(bucket) == {kept.file.name}
    stored = bucket.get_object(Bucket=BUCKET, Key=kept.file.name)["Body"].read()
    assert stored == first_bytes

    # list and download (streamed from the bucket by the app)
    assert [row["id"] for row in listing(ctx).json()["results"]] == [first["id"]]
    download = ctx.client.get(first["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == first_bytes
    assert download["Content-Disposition"].startswith("attachment;")

    # a new version: both are in the bucket, both download
    second = upload(ctx, second_bytes, "Tech pack.pdf", supersedes=first["id"]).json()
    assert second["version"] == 2
    assert len(keys(bucket)) == 2
    assert b"".join(ctx.client.get(second["download_url"]).streaming_content) == second_bytes
    assert b"".join(ctx.client.get(first["download_url"]).streaming_content) == first_bytes

    # archive the new version: its object leaves the bucket after the commit, the first stays
    with django_capture_on_commit_callbacks(execute=True):
        assert ctx.client.delete(f"{ctx.url}{second['id']}/").status_code == 204
    assert keys(bucket) == {kept.file.name}
    assert [row["id"] for row in listing(ctx).json()["results"]] == [first["id"]]
    assert ctx.client.get(second["download_url"]).status_code == 404
