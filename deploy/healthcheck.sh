#!/usr/bin/env bash
# deploy/healthcheck.sh: is this installation ready? /health/ready/ (database, cache, broker, worker heartbeat,
# storage), asked on gunicorn's unix socket (default) or over HTTPS through nginx.
#   deploy/healthcheck.sh                      the socket /run/tradeloom/gunicorn.sock
#   TRADELOOM_HEALTH_URL=https://tradeloom.example.com/health/ready/ deploy/healthcheck.sh
# Prints each check; exits 0 when all pass, 1 when one fails (named on stderr), 2 when the app cannot be reached.
# The socket is mode 0660, group www-data: run as root or as a member of that group.
set -euo pipefail

socket="${TRADELOOM_HEALTH_SOCKET:-/run/tradeloom/gunicorn.sock}"
url="${TRADELOOM_HEALTH_URL:-}"
# long enough for the app to name the parts that are down (each check waits a few seconds for its server)
timeout="${TRADELOOM_HEALTH_TIMEOUT:-30}"
env_file="${TRADELOOM_ENV_FILE:-/etc/tradeloom/tradeloom.env}"
host="${TRADELOOM_HEALTH_HOST:-}"
if [ -z "$host" ] && [ -r "$env_file" ]; then
  # the first of DJANGO_ALLOWED_HOSTS: the app answers 400 to a host it does not serve
  host="$(sed -n 's/^DJANGO_ALLOWED_HOSTS=//p' "$env_file" | tail -n 1 | cut -d, -f1 | tr -d '[:space:]')"
fi
host="${host:-localhost}"

body="$(mktemp)"
trap 'rm -f "$body"' EXIT
curl_args=(--silent --show-error --max-time "$timeout" --output "$body" --write-out '%{http_code}')
if [ -n "$url" ]; then
  [ -n "${TRADELOOM_HEALTH_CACERT:-}" ] && curl_args+=(--cacert "$TRADELOOM_HEALTH_CACERT")
  where="$url"
  code="$(curl "${curl_args[@]}" "$url")" || code="000"
else
  where="$socket"
  code="$(curl "${curl_args[@]}" --unix-socket "$socket" -H "Host: $host" http://localhost/health/ready/)" ||
    code="000"
fi

if [ "$code" = "000" ]; then
  echo "tradeloom: not reachable at $where" >&2
  exit 2
fi

python3 - "$body" "$code" "$where" <<'PY'
import json
import sys

path, code, where = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
except ValueError:
    print(f"tradeloom: HTTP {code} from {where}, not a health report", file=sys.stderr)
    sys.exit(1)
checks = report.get("checks", {})
for name, check in checks.items():
    detail = ", ".join(f"{key} {value}" for key, value in check.items() if key != "status")
    print(f"{name:10} {check.get('status', '?'):6} {detail}")
failing = [name for name, check in checks.items() if check.get("status") != "ok"]
if code != "200" or report.get("status") != "ok":
    print(f"tradeloom: NOT READY (HTTP {code}): {', '.join(failing) or report.get('status')}", file=sys.stderr)
    sys.exit(1)
print(f"tradeloom: ready ({where})")
PY
