#!/usr/bin/env bash
# Write the nginx site for this installation from tradeloom.conf.template.
#   deploy/nginx/render.sh [OUTPUT]     (default /etc/nginx/sites-available/tradeloom.conf)
# The values come from the environment, else from /etc/tradeloom/nginx.env (TL_NGINX_ENV), else the defaults below.
# Only ${TL_*} names are replaced; nginx's own $variables stay as they are.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
output="${1:-/etc/nginx/sites-available/tradeloom.conf}"
env_file="${TL_NGINX_ENV:-/etc/tradeloom/nginx.env}"
if [ -r "$env_file" ]; then
  # shellcheck disable=SC1090
  set -a && . "$env_file" && set +a
fi

# the upload limit: the app's (TRADELOOM_ATTACHMENT_MAX_BYTES, 25 MiB by default) plus 1 MiB for the form around it
max_bytes="${TRADELOOM_ATTACHMENT_MAX_BYTES:-26214400}"
default_body_size="$(( (max_bytes + 1048575) / 1048576 + 1 ))m"

: "${TL_SERVER_NAME:?set TL_SERVER_NAME (the host name of the site) in $env_file or the environment}"
TL_HTTP_LISTEN="${TL_HTTP_LISTEN:-listen 80; listen [::]:80;}"
TL_HTTPS_LISTEN="${TL_HTTPS_LISTEN:-listen 443 ssl http2; listen [::]:443 ssl http2;}"
TL_HTTPS_PORT_SUFFIX="${TL_HTTPS_PORT_SUFFIX:-}"
TL_TLS_CERT="${TL_TLS_CERT:-/etc/letsencrypt/live/$TL_SERVER_NAME/fullchain.pem}"
TL_TLS_KEY="${TL_TLS_KEY:-/etc/letsencrypt/live/$TL_SERVER_NAME/privkey.pem}"
TL_UPSTREAM_SERVERS="${TL_UPSTREAM_SERVERS:-server unix:/run/tradeloom/gunicorn.sock max_fails=3 fail_timeout=5s;}"
TL_STATIC_ROOT="${TL_STATIC_ROOT:-/var/lib/tradeloom/static}"
TL_MEDIA_ROOT="${TL_MEDIA_ROOT:-/var/lib/tradeloom/media}"
TL_ACME_ROOT="${TL_ACME_ROOT:-/var/lib/tradeloom/acme}"
TL_LOG_DIR="${TL_LOG_DIR:-/var/log/nginx}"
TL_PROXY_PARAMS="${TL_PROXY_PARAMS:-/etc/nginx/snippets/tradeloom-proxy.conf}"
TL_CLIENT_MAX_BODY_SIZE="${TL_CLIENT_MAX_BODY_SIZE:-$default_body_size}"
# space-separated addresses or networks besides the loopback that may read /metrics (a Prometheus server)
metrics_allow="allow 127.0.0.1; allow ::1;"
for address in ${TL_METRICS_ALLOW_FROM:-}; do
  metrics_allow="$metrics_allow allow $address;"
done
# shellcheck disable=SC2034  # read through ${!name} below
TL_METRICS_ALLOW="$metrics_allow"

content="$(cat "$here/tradeloom.conf.template")"
for name in TL_SERVER_NAME TL_HTTP_LISTEN TL_HTTPS_LISTEN TL_HTTPS_PORT_SUFFIX TL_TLS_CERT TL_TLS_KEY \
  TL_UPSTREAM_SERVERS TL_STATIC_ROOT TL_MEDIA_ROOT TL_ACME_ROOT TL_LOG_DIR TL_PROXY_PARAMS \
  TL_CLIENT_MAX_BODY_SIZE TL_METRICS_ALLOW; do
  content="${content//"\${$name}"/"${!name}"}"
done
if [[ "$content" =~ \$\{TL_[A-Z_]*\} ]]; then
  echo "render.sh: ${BASH_REMATCH[0]} has no value" >&2
  exit 1
fi
mkdir -p "$(dirname "$output")"
printf '%s\n' "$content" > "$output"
echo "wrote $output"
