#!/usr/bin/env bash
# deploy/manage.sh ARGS…: `manage.py ARGS…` on the server as the tradeloom user, with the services' environment
# (/etc/tradeloom/tradeloom.env) and nothing else — e.g. `deploy/manage.sh createsuperuser`,
# `deploy/manage.sh migrate`. Run as root.
set -euo pipefail

APP_DIR="${TRADELOOM_APP_DIR:-/opt/tradeloom/app}"
VENV="${TRADELOOM_VENV:-/opt/tradeloom/venv}"
ENV_FILE="${TRADELOOM_ENV_FILE:-/etc/tradeloom/tradeloom.env}"
APP_USER="${TRADELOOM_USER:-tradeloom}"

[ -r "$ENV_FILE" ] || { echo "manage.sh: cannot read $ENV_FILE (run as root)" >&2; exit 1; }
# NAME=value lines, as systemd's EnvironmentFile= reads them (a value may hold spaces; no shell quoting)
mapfile -t variables < <(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$ENV_FILE")
cd "$APP_DIR"
command=(env -i PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME=/var/lib/tradeloom LANG=C.UTF-8
  DJANGO_SETTINGS_MODULE=config.settings.production "${variables[@]}" "$VENV/bin/python" manage.py "$@")
if [ "$(id -u)" = "0" ]; then
  exec setpriv --reuid="$APP_USER" --regid="$APP_USER" --init-groups -- "${command[@]}"
fi
exec "${command[@]}"
