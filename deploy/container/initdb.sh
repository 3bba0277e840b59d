#!/usr/bin/env bash
# The postgres container's first start (docker-entrypoint-initdb.d): the owner and app roles of docs/database.md and
# the tradeloom database. compose.yaml passes the passwords.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v owner_password="$TRADELOOM_OWNER_DB_PASSWORD" -v app_password="$TRADELOOM_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE tradeloom_owner LOGIN BYPASSRLS PASSWORD :'owner_password';
CREATE ROLE tradeloom_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE tradeloom OWNER tradeloom_owner ENCODING 'UTF8';
ALTER DATABASE tradeloom SET timezone TO 'UTC';
\c tradeloom
GRANT USAGE ON SCHEMA public TO tradeloom_app;
SQL
