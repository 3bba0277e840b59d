#!/usr/bin/env bash
# deploy/container/self-signed.sh DIR [HOST]: a throw-away certificate for compose.yaml's nginx (DIR/fullchain.pem,
# DIR/privkey.pem) until a real one is put there.
set -euo pipefail
dir="${1:?self-signed.sh DIR [HOST]}"
host="${2:-localhost}"
mkdir -p "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=$host" \
  -addext "subjectAltName=DNS:$host" -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
# nginx's master reads the key as root in its container
chmod 0644 "$dir/fullchain.pem"
chmod 0600 "$dir/privkey.pem"
echo "wrote $dir/fullchain.pem and $dir/privkey.pem for $host"
