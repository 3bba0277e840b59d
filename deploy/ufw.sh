#!/usr/bin/env bash
# deploy/ufw.sh: the firewall of a Tradeloom server (ufw). Run as root.
#
#   deploy/ufw.sh [--ssh-port 22] [--app-network 10.0.0.0/24] [--dry-run]
#
# In: SSH (rate-limited: ufw's `limit`, 6 connections in 30 s), HTTP and HTTPS. Everything else is refused,
# PostgreSQL, PgBouncer and Redis included (they listen on the loopback). --app-network opens PgBouncer (6432),
# PostgreSQL (5432) and Redis (6379) to the other app servers of a cluster, and nothing else. fail2ban bans
# addresses through ufw (deploy/fail2ban). --dry-run prints the commands.
set -euo pipefail

SSH_PORT=22
APP_NETWORK=""
RUN=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ssh-port) SSH_PORT="$2"; shift 2 ;;
    --app-network) APP_NETWORK="$2"; shift 2 ;;
    --dry-run) RUN=(echo); shift ;;
    *) echo "ufw.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "${#RUN[@]}" -eq 0 ]; then
  [ "$(id -u)" = "0" ] || { echo "ufw.sh: run as root" >&2; exit 1; }
  command -v ufw >/dev/null || { echo "ufw.sh: apt-get install ufw" >&2; exit 1; }
fi

"${RUN[@]}" ufw default deny incoming
"${RUN[@]}" ufw default allow outgoing
"${RUN[@]}" ufw limit "$SSH_PORT/tcp" comment "SSH"
"${RUN[@]}" ufw allow 80/tcp comment "HTTP (ACME, redirect)"
"${RUN[@]}" ufw allow 443/tcp comment "HTTPS"
if [ -n "$APP_NETWORK" ]; then
  for port in 6432 5432 6379; do
    "${RUN[@]}" ufw allow from "$APP_NETWORK" to any port "$port" proto tcp comment "Tradeloom app servers"
  done
fi
"${RUN[@]}" ufw --force enable
"${RUN[@]}" ufw status verbose
