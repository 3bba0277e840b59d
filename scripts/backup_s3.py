"""The off-site copy of deploy/backup.sh's backups, in an S3-compatible bucket (AWS, MinIO, R2, …), with boto3.

    backup_s3.py upload FOLDER       copy one backup folder to s3://BUCKET/PREFIX/<folder name>/ (deploy/backup.sh
                                     runs this when BACKUP_S3_BUCKET is set); with BACKUP_S3_KEEP_DAYS, delete the
                                     bucket's backups older than that many days afterwards
    backup_s3.py list                the backups in the bucket, oldest first (complete ones: with their manifest)
    backup_s3.py download NAME DEST  fetch the backup NAME (or "latest") into DEST/NAME, for deploy/restore.sh

Settings from the environment: BACKUP_S3_BUCKET (required), BACKUP_S3_ENDPOINT_URL (empty: AWS),
BACKUP_S3_REGION, BACKUP_S3_PREFIX (a folder in the bucket, e.g. ``backups/``), BACKUP_S3_ADDRESSING_STYLE
(``path`` for MinIO), BACKUP_S3_MAX_ATTEMPTS (5), BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY
(unset: boto3's own chain, e.g. AWS_ACCESS_KEY_ID or an instance role), BACKUP_S3_KEEP_DAYS (unset: nothing is
deleted in the bucket; a lifecycle rule of the bucket can expire old backups instead, so the server's key needs no
right to delete).

The manifest is uploaded last, so a backup without one in the bucket is an interrupted copy; each object carries
its SHA-256 (``x-amz-meta-sha256``), and its size is checked after the upload.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from pathlib import Path
from typing import Any

MANIFEST = "MANIFEST.sha256"
NAME = re.compile(r"^tradeloom-(\d{8}T\d{6}Z)$")


def _say(message: str) -> None:
    sys.stderr.write(f"backup-s3: {message}\n")


def _client() -> Any:
    import boto3
    from botocore.config import Config

    style = os.environ.get("BACKUP_S3_ADDRESSING_STYLE") or None
    return boto3.client(
        "s3",
        endpoint_url=os.environ.get("BACKUP_S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("BACKUP_S3_REGION") or None,
        aws_access_key_id=os.environ.get("BACKUP_S3_ACCESS_KEY_ID") or None,
        aws_secret_access_key=os.environ.get("BACKUP_S3_SECRET_ACCESS_KEY") or None,
        config=Config(
            s3={"addressing_style": style} if style else {},
            retries={"max_attempts": int(os.environ.get("BACKUP_S3_MAX_ATTEMPTS") or 5), "mode": "standard"},
        ),
    )


def _bucket() -> str:
    bucket = os.environ.get("BACKUP_S3_BUCKET", "")
    if not bucket:
        raise SystemExit("backup-s3: set BACKUP_S3_BUCKET")
    return bucket


def _prefix() -> str:
    prefix = os.environ.get("BACKUP_S3_PREFIX", "").strip("/")
    return f"{prefix}/" if prefix else ""


def _checksums(folder: Path) -> dict[str, str]:
    sums = {}
    for line in (folder / MANIFEST).read_text().splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    return sums


def upload(folder: Path) -> None:
    if not NAME.match(folder.name) or not (folder / MANIFEST).is_file():
        raise SystemExit(f"backup-s3: {folder} is not a complete backup folder (tradeloom-<time> with {MANIFEST})")
    client, bucket, sums = _client(), _bucket(), _checksums(folder)
    names = [*sorted(sums), MANIFEST]  # the manifest last: its presence marks a complete copy
    for name in names:
        path = folder / name
        key = f"{_prefix()}{folder.name}/{name}"
        metadata = {"sha256": sums[name]} if name in sums else {}
        client.upload_file(str(path), bucket, key, ExtraArgs={"Metadata": metadata})
        stored = client.head_object(Bucket=bucket, Key=key)["ContentLength"]
        if stored != path.stat().st_size:
            raise SystemExit(f"backup-s3: s3://{bucket}/{key} holds {stored} bytes, not {path.stat().st_size}")
    _say(f"copied {folder.name} ({len(names)} files) to s3://{bucket}/{_prefix()}{folder.name}/")
    keep_days = os.environ.get("BACKUP_S3_KEEP_DAYS", "")
    if keep_days:
        prune(int(keep_days), keep=folder.name)


def _listing(client: Any, bucket: str) -> dict[str, list[str]]:
    """Backup name → its keys in the bucket."""
    found: dict[str, list[str]] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=_prefix()):
        for item in page.get("Contents", []):
            name, _, _rest = item["Key"][len(_prefix()) :].partition("/")
            if NAME.match(name):
                found.setdefault(name, []).append(item["Key"])
    return found


def _time(name: str) -> dt.datetime:
    match = NAME.match(name)
    assert match is not None  # noqa: S101 - names come from _listing, which matched them
    return dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def prune(keep_days: int, *, keep: str) -> None:
    if keep_days < 1:
        raise SystemExit("backup-s3: BACKUP_S3_KEEP_DAYS must be 1 or more")
    client, bucket = _client(), _bucket()
    limit = dt.datetime.now(dt.UTC) - dt.timedelta(days=keep_days)
    for name, keys in sorted(_listing(client, bucket).items()):
        if name == keep or _time(name) >= limit:
            continue
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        _say(f"deleted {name} from s3://{bucket}/{_prefix()} (older than {keep_days} days)")


def complete_backups() -> list[str]:
    client, bucket = _client(), _bucket()
    return [name for name, keys in sorted(_listing(client, bucket).items()) if f"{_prefix()}{name}/{MANIFEST}" in keys]


def download(name: str, dest: Path) -> Path:
    client, bucket = _client(), _bucket()
    if name == "latest":
        complete = complete_backups()
        if not complete:
            raise SystemExit(f"backup-s3: no complete backup in s3://{bucket}/{_prefix()}")
        name = complete[-1]
    keys = _listing(client, bucket).get(name, [])
    if f"{_prefix()}{name}/{MANIFEST}" not in keys:
        raise SystemExit(f"backup-s3: s3://{bucket}/{_prefix()}{name}/ is not a complete backup (no {MANIFEST})")
    target = dest / name
    target.mkdir(parents=True, exist_ok=False)
    for key in keys:
        client.download_file(bucket, key, str(target / key.rsplit("/", 1)[-1]))
    _say(f"fetched {name} into {target}; restore it with deploy/restore.sh {target}")
    return target


def main(argv: list[str]) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return _run(argv)
    except (BotoCoreError, ClientError) as error:
        _say(f"ERROR: {error}")
        return 1


def _run(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "upload":
        upload(Path(argv[1]).resolve())
    elif argv == ["list"]:
        for name in complete_backups():
            sys.stdout.write(f"{name}\n")
    elif len(argv) == 3 and argv[0] == "download":
        download(argv[1], Path(argv[2]))
    else:
        sys.stderr.write(__doc__ or "")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
