#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster for the case tests and print its URL on stdout.
#
#   export DARKRANGE_TEST_POSTGRES_URL="$(bash .ci/postgres.sh)"
#
# Installs Debian's postgresql when absent, runs initdb in a temporary folder (as the
# `postgres` user when run as root: PostgreSQL refuses to run as root), listens on 127.0.0.1
# only, on a free port, with a password; creates the database `darkrange`. Everything else goes
# to stderr. The data folder is printed on stderr; stop it with
#   pg_ctl -D DIR stop   (as the same user)
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

if ! BIN="$(find_bin)"; then
  log "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
fi

DATA="$(mktemp -d /tmp/darkrange-pg.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
PASSWORD="darkrange-ci-$(python3 -c 'import secrets; print(secrets.token_hex(8))')"
printf '%s\n' "$PASSWORD" > "$DATA/pwfile"

as_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "$(id -u)" = "0" ]; then
  chown -R postgres: "$DATA"
fi
as_owner "$BIN/initdb" -D "$DATA/db" -U darkrange --pwfile="$DATA/pwfile" \
  --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
rm -f "$DATA/pwfile"
as_owner "$BIN/pg_ctl" -D "$DATA/db" -l "$DATA/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c max_connections=200 -c fsync=off" \
  start >&2
PGPASSWORD="$PASSWORD" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U darkrange darkrange >&2
log "cluster in $DATA/db on 127.0.0.1:$PORT"
echo "postgresql+psycopg://darkrange:$PASSWORD@127.0.0.1:$PORT/darkrange"
