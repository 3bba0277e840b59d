#!/usr/bin/env bash
# deploy/setup.sh: first installation of Tradeloom on one Debian 12 server (run as root from a checkout, or let it
# clone). Idempotent: running it again keeps the existing secrets, database and files.
#
#   deploy/setup.sh --domain tradeloom.example.com [--repo URL] [--branch main] [--email ops@example.com]
#                   [--external-db] [--external-redis] [--no-tls]
#
# What it does: Debian packages; the system user `tradeloom` (no login, no shell); the folders and their
# permissions; /etc/tradeloom/tradeloom.env from deploy/tradeloom.env.example with fresh secrets; PostgreSQL (the
# owner and app roles of docs/database.md) and PgBouncer in transaction mode on this machine, unless --external-db;
# the venv from requirements.lock; the first migrate (owner role); collectstatic; the systemd units; nginx; TLS
# (deploy/tls.sh, certbot); the firewall (deploy/ufw.sh); fail2ban; journald's retention.
set -euo pipefail

DOMAIN=""
REPO=""
BRANCH="main"
EMAIL=""
LOCAL_DB=1
LOCAL_REDIS=1
TLS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --domain) DOMAIN="$2"; shift 2 ;;
    --repo) REPO="$2"; shift 2 ;;
    --branch) BRANCH="$2"; shift 2 ;;
    --email) EMAIL="$2"; shift 2 ;;
    --external-db) LOCAL_DB=0; shift ;;
    --external-redis) LOCAL_REDIS=0; shift ;;
    --no-tls) TLS=0; shift ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = "0" ] || { echo "setup.sh: run as root" >&2; exit 1; }
[ -n "$DOMAIN" ] || { echo "setup.sh: --domain is required" >&2; exit 2; }

BASE=/opt/tradeloom
APP_DIR="$BASE/app"
VENV="$BASE/venv"
DATA=/var/lib/tradeloom
CONF=/etc/tradeloom
ENV_FILE="$CONF/tradeloom.env"
say() { printf '\n== %s\n' "$*"; }

say "packages"
packages=(python3 python3-venv git curl nginx ufw fail2ban certbot)
[ "$LOCAL_DB" = "1" ] && packages+=(postgresql pgbouncer)
[ "$LOCAL_REDIS" = "1" ] && packages+=(redis-server)
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"

say "user and folders"
if ! getent passwd tradeloom >/dev/null; then
  useradd --system --user-group --home-dir "$DATA" --no-create-home --shell /usr/sbin/nologin tradeloom
fi
install -d -m 0755 -o root -g root "$BASE"
install -d -m 0750 -o tradeloom -g tradeloom "$DATA" "$DATA/beat" "$DATA/metrics"
# nginx (www-data) reads uploaded files for X-Accel-Redirect and static files; the setgid bit gives new files and
# folders the www-data group
install -d -m 2750 -o tradeloom -g www-data "$DATA/media"
install -d -m 0755 -o tradeloom -g tradeloom "$DATA/static"
install -d -m 0755 -o root -g root "$DATA/acme"
install -d -m 0750 -o root -g tradeloom "$CONF"
chmod 0751 "$DATA"  # www-data may pass through to media/ and static/, not list

say "code in $APP_DIR"
if [ ! -d "$APP_DIR/.git" ]; then
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  if [ -n "$REPO" ]; then
    git clone --branch "$BRANCH" "$REPO" "$APP_DIR"
  elif [ -d "$here/.git" ] && [ "$here" != "$APP_DIR" ]; then
    git clone --branch "$BRANCH" "$here" "$APP_DIR"
    git -C "$APP_DIR" remote set-url origin "$(git -C "$here" remote get-url origin 2>/dev/null || echo "$here")"
  else
    echo "setup.sh: no checkout at $APP_DIR; pass --repo URL" >&2
    exit 1
  fi
fi
# the code belongs to root: the services read it and cannot change it
chown -R root:root "$APP_DIR"

say "environment file $ENV_FILE"
secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(48))'; }
password() { python3 -c 'import secrets; print(secrets.token_hex(24))'; }
if [ ! -f "$ENV_FILE" ]; then
  sed -e "s|@SECRET_KEY@|$(secret)|" -e "s|@APP_DB_PASSWORD@|$(password)|" \
    -e "s|@OWNER_DB_PASSWORD@|$(password)|" -e "s|tradeloom\.example\.com|$DOMAIN|g" \
    "$APP_DIR/deploy/tradeloom.env.example" >"$ENV_FILE"
  echo "wrote $ENV_FILE: review the e-mail settings"
fi
chown root:tradeloom "$ENV_FILE"
chmod 0640 "$ENV_FILE"
value() { sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1; }
url_password() { value "$1" | sed -E 's|^[a-z]+://[^:]+:([^@]*)@.*$|\1|'; }

if [ "$LOCAL_DB" = "1" ]; then
  say "PostgreSQL: the owner and app roles, the database"
  systemctl enable --now postgresql
  app_password="$(url_password DATABASE_URL)"
  owner_password="$(url_password DATABASE_OWNER_URL)"
  runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q <<SQL
SELECT 'CREATE ROLE tradeloom_owner LOGIN BYPASSRLS' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tradeloom_owner')\gexec
SELECT 'CREATE ROLE tradeloom_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tradeloom_app')\gexec
ALTER ROLE tradeloom_owner PASSWORD '$owner_password';
ALTER ROLE tradeloom_app PASSWORD '$app_password';
SELECT 'CREATE DATABASE tradeloom OWNER tradeloom_owner ENCODING ''UTF8''' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'tradeloom')\gexec
\c tradeloom
GRANT USAGE ON SCHEMA public TO tradeloom_app;
SQL
  # UTC: Django then sends no SET TIME ZONE, which would outlive its transaction behind PgBouncer
  runuser -u postgres -- psql -q -c "ALTER DATABASE tradeloom SET timezone TO 'UTC'"

  say "PgBouncer on 127.0.0.1:6432, transaction pooling"
  cat >/etc/pgbouncer/pgbouncer.ini <<INI
; written by Tradeloom's deploy/setup.sh
[databases]
tradeloom = host=127.0.0.1 port=5432 dbname=tradeloom

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = 6432
unix_socket_dir = /var/run/postgresql
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
logfile = /var/log/postgresql/pgbouncer.log
pidfile = /var/run/postgresql/pgbouncer.pid
INI
  printf '"tradeloom_app" "%s"\n' "$app_password" >/etc/pgbouncer/userlist.txt
  chown postgres:postgres /etc/pgbouncer/userlist.txt
  chmod 0600 /etc/pgbouncer/userlist.txt
  systemctl enable pgbouncer
  systemctl restart pgbouncer
fi
if [ "$LOCAL_REDIS" = "1" ]; then
  systemctl enable --now redis-server
fi

say "venv from requirements.lock"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$APP_DIR/requirements.lock"
"$VENV/bin/python" -m pip check

say "first migrate (owner role), collectstatic, check --deploy"
"$APP_DIR/deploy/manage.sh" migrate --noinput
"$APP_DIR/deploy/manage.sh" collectstatic --noinput --verbosity 0
"$APP_DIR/deploy/manage.sh" check --deploy

say "systemd units"
install -m 0644 "$APP_DIR"/deploy/systemd/* /etc/systemd/system/
install -d -m 0755 /etc/systemd/journald.conf.d
install -m 0644 "$APP_DIR/deploy/journald/tradeloom.conf" /etc/systemd/journald.conf.d/tradeloom.conf
systemctl restart systemd-journald
systemctl daemon-reload
systemctl enable --now tradeloom-web.socket
systemctl enable --now tradeloom.target

say "nginx"
install -d -m 0755 /etc/nginx/snippets
install -m 0644 "$APP_DIR/deploy/nginx/tradeloom-proxy.conf" /etc/nginx/snippets/tradeloom-proxy.conf
if [ ! -f "$CONF/nginx.env" ]; then
  printf 'TL_SERVER_NAME=%s\n' "$DOMAIN" >"$CONF/nginx.env"
fi
rm -f /etc/nginx/sites-enabled/default
if [ "$TLS" = "1" ]; then
  TL_EMAIL="$EMAIL" "$APP_DIR/deploy/tls.sh" certbot
else
  "$APP_DIR/deploy/tls.sh" self-signed
fi

say "firewall and fail2ban"
"$APP_DIR/deploy/ufw.sh"
install -m 0644 "$APP_DIR/deploy/fail2ban/filter.d/tradeloom.conf" /etc/fail2ban/filter.d/tradeloom.conf
install -m 0644 "$APP_DIR/deploy/fail2ban/jail.d/tradeloom.conf" /etc/fail2ban/jail.d/tradeloom.conf
systemctl enable fail2ban
systemctl restart fail2ban

say "ready?"
"$APP_DIR/deploy/healthcheck.sh" || {
  echo "not ready yet: journalctl -u 'tradeloom-*' -n 50"
  exit 1
}
echo "Tradeloom runs at https://$DOMAIN/ — create an operator with: $APP_DIR/deploy/manage.sh createsuperuser"
