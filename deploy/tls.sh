#!/usr/bin/env bash
# deploy/tls.sh: the site's certificate, then the nginx site rendered with it and nginx reloaded. Run as root.
#
#   deploy/tls.sh certbot                  Let's Encrypt over HTTP-01 (webroot /var/lib/tradeloom/acme, which the
#                                          site serves on port 80); certbot's timer renews it and reloads nginx
#   deploy/tls.sh install CERT KEY         a certificate (full chain, PEM) and its key from elsewhere
#   deploy/tls.sh self-signed              a throw-away certificate (tests, or until DNS points here)
#
# The host name comes from TL_SERVER_NAME in /etc/tradeloom/nginx.env; TL_EMAIL is Let's Encrypt's contact.
set -euo pipefail

CONF=/etc/tradeloom
NGINX_ENV="$CONF/nginx.env"
TLS_DIR="$CONF/tls"
ACME_ROOT=/var/lib/tradeloom/acme
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SITE=/etc/nginx/sites-available/tradeloom.conf

[ "$(id -u)" = "0" ] || { echo "tls.sh: run as root" >&2; exit 1; }
[ -r "$NGINX_ENV" ] || { echo "tls.sh: $NGINX_ENV with TL_SERVER_NAME=… is needed" >&2; exit 1; }
domain="$(sed -n 's/^TL_SERVER_NAME=//p' "$NGINX_ENV" | tail -n 1)"
[ -n "$domain" ] || { echo "tls.sh: TL_SERVER_NAME is empty in $NGINX_ENV" >&2; exit 1; }

set_value() {  # set_value NAME VALUE: in nginx.env
  if grep -q "^$1=" "$NGINX_ENV"; then
    sed -i "s|^$1=.*|$1=$2|" "$NGINX_ENV"
  else
    printf '%s=%s\n' "$1" "$2" >>"$NGINX_ENV"
  fi
}

publish() {  # render the site with the certificate in nginx.env, check, reload
  "$HERE/nginx/render.sh" "$SITE"
  ln -sf "$SITE" /etc/nginx/sites-enabled/tradeloom.conf
  nginx -t
  if systemctl is-active --quiet nginx; then
    systemctl reload nginx
  else
    systemctl enable --now nginx
  fi
}

self_signed() {
  install -d -m 0750 "$TLS_DIR"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=$domain" \
    -addext "subjectAltName=DNS:$domain" -keyout "$TLS_DIR/privkey.pem" -out "$TLS_DIR/fullchain.pem" 2>/dev/null
  chmod 0600 "$TLS_DIR/privkey.pem"
  set_value TL_TLS_CERT "$TLS_DIR/fullchain.pem"
  set_value TL_TLS_KEY "$TLS_DIR/privkey.pem"
}

case "${1:-}" in
  certbot)
    install -d -m 0755 "$ACME_ROOT"
    # nginx needs some certificate to start the HTTPS server; the HTTP one then answers the challenge
    if ! grep -q '^TL_TLS_CERT=' "$NGINX_ENV"; then
      self_signed
    fi
    publish
    contact=(--register-unsafely-without-email)
    [ -n "${TL_EMAIL:-}" ] && contact=(--email "$TL_EMAIL")
    certbot certonly --webroot --webroot-path "$ACME_ROOT" --domain "$domain" --non-interactive --agree-tos \
      "${contact[@]}" --keep-until-expiring --deploy-hook "systemctl reload nginx"
    set_value TL_TLS_CERT "/etc/letsencrypt/live/$domain/fullchain.pem"
    set_value TL_TLS_KEY "/etc/letsencrypt/live/$domain/privkey.pem"
    publish
    systemctl enable --now certbot.timer 2>/dev/null || true
    echo "certificate for $domain from Let's Encrypt; renewed by certbot.timer"
    ;;
  install)
    cert="${2:?tls.sh install CERT KEY}"
    key="${3:?tls.sh install CERT KEY}"
    # the key must belong to the certificate
    if [ "$(openssl x509 -noout -pubkey -in "$cert" | openssl sha256)" != \
      "$(openssl pkey -pubout -in "$key" | openssl sha256)" ]; then
      echo "tls.sh: $key is not the key of $cert" >&2
      exit 1
    fi
    install -d -m 0750 "$TLS_DIR"
    install -m 0644 "$cert" "$TLS_DIR/fullchain.pem"
    install -m 0600 "$key" "$TLS_DIR/privkey.pem"
    set_value TL_TLS_CERT "$TLS_DIR/fullchain.pem"
    set_value TL_TLS_KEY "$TLS_DIR/privkey.pem"
    publish
    echo "installed the certificate for $(openssl x509 -noout -subject -enddate -in "$TLS_DIR/fullchain.pem" | tr '\n' ' ')"
    ;;
  self-signed)
    self_signed
    publish
    echo "self-signed certificate for $domain (replace it: deploy/tls.sh certbot or install)"
    ;;
  *)
    sed -n '2,9p' "$0"
    exit 2
    ;;
esac
