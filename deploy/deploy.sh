#!/usr/bin/env bash
# deploy/deploy.sh [BRANCH]: upgrade this server to the newest commit of BRANCH (default main). Run as root, by
# hand or by CI over SSH (.github/workflows/ci.yml). In order:
#   1. git pull (fast-forward only) in /opt/tradeloom/app
#   2. pip install from requirements.lock into /opt/tradeloom/venv
#   3. manage.py migrate (the owner role). If it fails: the checkout and the venv go back to the previous commit,
#      nothing is reloaded — the running processes keep serving the previous code — and the script exits 1
#   4. collectstatic, check --deploy, the systemd units when they changed
#   5. gunicorn reloaded gracefully (HUP: new workers, in-flight requests finish), workers and beat restarted
#   6. deploy/healthcheck.sh until the installation is ready (exit 1 if it does not become ready)
set -euo pipefail

BRANCH="${1:-main}"
APP_DIR="${TRADELOOM_APP_DIR:-/opt/tradeloom/app}"
VENV="${TRADELOOM_VENV:-/opt/tradeloom/venv}"
HERE="$APP_DIR/deploy"
READY_WAIT="${TRADELOOM_READY_WAIT:-90}"
SYSTEMD_DIR="${TRADELOOM_SYSTEMD_DIR:-/etc/systemd/system}"

[ "$(id -u)" = "0" ] || { echo "deploy.sh: run as root" >&2; exit 1; }
exec 9>/run/lock/tradeloom-deploy.lock
flock -n 9 || { echo "deploy.sh: another deploy is running" >&2; exit 1; }

say() { printf '%s deploy: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
install_requirements() {
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$APP_DIR/requirements.lock"
  "$VENV/bin/python" -m pip check
}

cd "$APP_DIR"
previous="$(git rev-parse HEAD)"
say "at $(git rev-parse --short HEAD); pulling $BRANCH"
git pull --ff-only origin "$BRANCH"
current="$(git rev-parse HEAD)"
say "now at $(git rev-parse --short HEAD) ($(git log -1 --format=%s | cut -c1-80))"

say "installing requirements.lock"
install_requirements

say "migrating"
if ! "$HERE/manage.sh" migrate --noinput; then
  say "MIGRATION FAILED: nothing reloaded; the running processes still serve $(git rev-parse --short "$previous")"
  say "putting the checkout and the venv back to $(git rev-parse --short "$previous")"
  git checkout --quiet --detach "$previous"
  install_requirements
  say "fix the migration, then deploy again (git checkout $BRANCH first: the checkout is detached)"
  exit 1
fi

say "collectstatic"
"$HERE/manage.sh" collectstatic --noinput --verbosity 0
"$HERE/manage.sh" check --deploy --fail-level ERROR

changed=0
for unit in "$HERE"/systemd/*; do
  target="$SYSTEMD_DIR/$(basename "$unit")"
  if ! cmp -s "$unit" "$target"; then
    install -m 0644 "$unit" "$target"
    changed=1
  fi
done
if [ "$changed" = "1" ]; then
  say "systemd units changed: daemon-reload"
  systemctl daemon-reload
fi

say "reloading gunicorn (HUP), restarting the workers and beat"
systemctl reload tradeloom-web.service
systemctl restart 'tradeloom-worker@*.service' tradeloom-beat.service

say "waiting for /health/ready/"
deadline=$(( SECONDS + READY_WAIT ))
until "$HERE/healthcheck.sh" >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    "$HERE/healthcheck.sh" || true
    say "NOT READY after ${READY_WAIT}s at $(git rev-parse --short "$current")"
    exit 1
  fi
  sleep 2
done
"$HERE/healthcheck.sh"
say "deployed $(git rev-parse --short "$current")"
