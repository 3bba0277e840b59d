#!/usr/bin/env bash
# Restore a backup written by deploy/backup.sh: its manifest is checked first (nothing is touched when a file is
# damaged or missing), then the database is restored with pg_restore and the media files are unpacked.
#
#   deploy/restore.sh [--database-url URL] [--media-root DIR] [--no-database] [--no-media] [--config-to DIR]
#                     [--force] BACKUP
#
#   BACKUP              a backup folder (BACKUP_DIR/tradeloom-<time>), or "latest" (BACKUP_DIR/latest; BACKUP_DIR
#                       defaults to /var/backups/tradeloom). A copy in a bucket is fetched first with
#                       `scripts/backup_s3.py download NAME FOLDER`.
#   --database-url URL  the database to restore into, connecting as the owner role (default BACKUP_DATABASE_URL,
#                       else DATABASE_OWNER_URL, else DATABASE_URL). Created when it does not exist (the role needs
#                       CREATEDB, else create it as a superuser: CREATE DATABASE name OWNER tradeloom_owner). The
#                       roles the backup grants to (tradeloom_app) must exist on the server: docs/database.md.
#   --media-root DIR    where the media files go (default DJANGO_MEDIA_ROOT, else .data/media in the checkout)
#   --config-to DIR     also unpack the configuration files (their absolute paths below DIR), to compare with or
#                       copy to /etc by hand; they are never written over the live ones
#   --force             restore even though the database has tables (its objects that are in the backup are
#                       dropped first: pg_restore --clean) or the media folder has files (same names overwritten)
#
# Encrypted backups are decrypted with gpg from the keyring of the user running this (GNUPGHOME): import the
# private key first (gpg --import). Decrypted files go to a temporary folder under TMPDIR (default /tmp), removed
# at exit; point TMPDIR at a disk with room for the database dump.
#
# The order on a live installation:
#   1. systemctl stop tradeloom.target tradeloom-backup.timer   (web, workers, beat: nothing writes meanwhile)
#   2. deploy/restore.sh --force latest   (or into a new database, then point DATABASE_URL/DATABASE_OWNER_URL at it)
#   3. manage.py migrate   (when the code is newer than the backup; as deploy/deploy.sh does)
#   4. systemctl start tradeloom.target tradeloom-backup.timer, then check /health/ready/
set -euo pipefail
umask 027

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
log_name=restore
# shellcheck source=deploy/backup-common.sh
. "$here/backup-common.sh"

usage() {  # the header's usage lines, and where the rest is told
  sed -n '5,6p' "${BASH_SOURCE[0]}" | sed 's/^#   //' >&2
  echo "(the options are described at the top of ${BASH_SOURCE[0]})" >&2
  exit 2
}

database_url="${BACKUP_DATABASE_URL:-${DATABASE_OWNER_URL:-${DATABASE_URL:-}}}"
media_root="${DJANGO_MEDIA_ROOT:-$root/.data/media}"
restore_database=1
restore_media=1
config_to=""
force=0
backup=""
while [ $# -gt 0 ]; do
  case "$1" in
    --database-url) [ $# -ge 2 ] || usage; database_url="$2"; shift 2 ;;
    --media-root) [ $# -ge 2 ] || usage; media_root="$2"; shift 2 ;;
    --config-to) [ $# -ge 2 ] || usage; config_to="$2"; shift 2 ;;
    --no-database) restore_database=0; shift ;;
    --no-media) restore_media=0; shift ;;
    --force) force=1; shift ;;
    -h | --help) usage ;;
    -*) echo "unknown option $1" >&2; usage ;;
    *) [ -z "$backup" ] || usage; backup="$1"; shift ;;
  esac
done
[ -n "$backup" ] || usage
if [ "$backup" = "latest" ]; then
  backup="${BACKUP_DIR:-/var/backups/tradeloom}/latest"
fi
[ -d "$backup" ] || die "no backup folder at $backup"
backup="$(cd "$backup" && pwd -P)"
[ -f "$backup/MANIFEST.sha256" ] || die "$backup has no MANIFEST.sha256: not a complete backup"

# 1. Every file as it was written, before anything is changed.
if ! (cd "$backup" && sha256sum --check --strict --quiet MANIFEST.sha256 >&2); then
  die "$backup is damaged: the files above do not match MANIFEST.sha256; nothing was restored (take another backup or its copy in the bucket)"
fi
info "manifest: $(wc -l <"$backup/MANIFEST.sha256") files verified in $backup"

listed() { grep -qE "^[0-9a-f]{64}  $1\$" "$backup/MANIFEST.sha256"; }
payload() {  # payload NAME: the stored name of NAME (NAME or NAME.gpg), empty when the backup has none
  if listed "$1.gpg"; then echo "$1.gpg"; elif listed "$1"; then echo "$1"; fi
}
tmp=""
cleanup() {
  local status=$?
  [ -z "$tmp" ] || rm -rf "$tmp"
  [ "$status" -eq 0 ] || echo "restore: FAILED (exit $status)" >&2
}
trap cleanup EXIT
gpg_mode=()
[ -t 0 ] || gpg_mode=(--batch)
plain() {  # plain STORED: a path to the decrypted content of the stored file STORED
  case "$1" in
    *.gpg)
      command -v gpg >/dev/null || die "the backup is encrypted and gpg is missing (Debian: apt-get install gnupg)"
      gpg "${gpg_mode[@]}" --quiet --decrypt --output "$tmp/${1%.gpg}" "$backup/$1" \
        || die "gpg could not decrypt $1: is the backup key's private part in this user's keyring (gpg --list-secret-keys)?"
      echo "$tmp/${1%.gpg}"
      ;;
    *) echo "$backup/$1" ;;
  esac
}

dump="$(payload database.dump)"
media="$(payload media.tar.gz)"
config="$(payload config.tar.gz)"
case "$dump $media $config" in
  *.gpg*) tmp="$(mktemp -d "${TMPDIR:-/tmp}/tl-restore.XXXXXX")" ;;
esac
[ "$restore_database" = 0 ] || [ -n "$dump" ] || die "$backup holds no database dump"

# 2. Refuse before changing anything: a database with tables or a media folder with files need --force.
exists=0
relations=0
if [ "$restore_database" = 1 ]; then
  [ -n "$database_url" ] || die "give --database-url (or set DATABASE_OWNER_URL / DATABASE_URL): the database to restore into"
  [[ "$database_url" =~ ^([A-Za-z][A-Za-z0-9+.-]*://[^/?]*)/([^?]+)(\?.*)?$ ]] \
    || die "the database URL must name its database: postgres://user@host:port/name"
  database="${BASH_REMATCH[2]}"
  maintenance_url="${BASH_REMATCH[1]}/postgres${BASH_REMATCH[3]}"
  pg_bin="$(pg_tools_for "$maintenance_url")"
  psql_at() { "$pg_bin/psql" --dbname="$1" --no-password --no-psqlrc -XAtq -v ON_ERROR_STOP=1 -v name="$database"; }
  exists="$(psql_at "$maintenance_url" <<<"SELECT count(*) FROM pg_database WHERE datname = :'name';")"
  if [ "$exists" = 1 ]; then
    relations="$(psql_at "$database_url" <<<"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f');")"
    if [ "$relations" != 0 ] && [ "$force" = 0 ]; then
      die "the database $database is not empty ($relations tables, views or sequences): restore into a new database, or pass --force to replace what the backup holds"
    fi
  fi
fi
if [ "$restore_media" = 1 ] && [ -n "$media" ] && [ -d "$media_root" ] && [ "$force" = 0 ] \
  && [ -n "$(find "$media_root" -mindepth 1 -print -quit)" ]; then
  die "the media folder $media_root is not empty: restore into an empty one, or pass --force to write over it"
fi

# 3. The database, in one transaction: a failure leaves it as it was.
if [ "$restore_database" = 1 ]; then
  if [ "$exists" != 1 ]; then
    info "creating the database $database"
    psql_at "$maintenance_url" <<<"CREATE DATABASE :\"name\" TEMPLATE template0 ENCODING 'UTF8';" >/dev/null \
      || die "could not create the database $database (the role needs CREATEDB; or create it as a superuser)"
  fi
  clean=()
  [ "$relations" = 0 ] || clean=(--clean --if-exists)
  dump_file="$(plain "$dump")"
  info "database: pg_restore into $(url_without_password "$database_url")"
  "$pg_bin/pg_restore" --dbname="$database_url" --no-password --no-owner --exit-on-error --single-transaction \
    "${clean[@]}" "$dump_file" || die "pg_restore failed (see its message above); the database was left unchanged"
  psql_at "$database_url" <<<"SET client_min_messages = error; ANALYZE;" >/dev/null || die "ANALYZE of the restored database failed"
  [ "${dump_file#"$backup"/}" != "$dump_file" ] || rm -f "$dump_file"
fi

# 4. The media files
if [ "$restore_media" = 1 ]; then
  if [ -n "$media" ]; then
    mkdir -p "$media_root"
    info "media: unpacking into $media_root"
    media_file="$(plain "$media")"
    tar --extract --gzip --directory="$media_root" --file="$media_file" || die "could not unpack the media files into $media_root"
  else
    info "media: none in this backup ($(sed -n 's/^media: //p' "$backup/backup-info.txt"))"
  fi
fi

if [ -n "$config_to" ]; then
  if [ -n "$config" ]; then
    mkdir -p "$config_to"
    tar --extract --gzip --directory="$config_to" --file="$(plain "$config")" \
      || die "could not unpack the configuration into $config_to"
    info "configuration: unpacked into $config_to (compare, then copy what you need to /etc by hand)"
  else
    info "configuration: none in this backup"
  fi
fi

info "restore complete from $backup"
info "next: manage.py migrate (when the code is newer than the backup), then systemctl start tradeloom.target"
