#!/bin/bash
# Initialises PGDATA on first start as the public image does: a superuser with POSTGRES_PASSWORD,
# the POSTGRES_DB database, then /docker-entrypoint-initdb.d/*.sql|*.sql.gz|*.sh in name order,
# run against a server that listens on the Unix socket only.
set -euo pipefail
case "${1:-}" in -*) set -- postgres "$@" ;; esac
[ "${1:-}" = postgres ] || exec "$@"
shift

export POSTGRES_USER=${POSTGRES_USER:-postgres}
export POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
user=$POSTGRES_USER
db=$POSTGRES_DB
auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    echo "postgres: POSTGRES_PASSWORD is not set (or set POSTGRES_HOST_AUTH_METHOD=trust to allow connections without one)" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  # POSTGRES_INITDB_ARGS is a list of options, split on spaces as the public image does.
  # shellcheck disable=SC2086
  initdb -D "$PGDATA" --username="$user" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host="$auth" ${POSTGRES_INITDB_ARGS:-} >/dev/null
  rm -f "$pwfile"
  printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  psql=(psql -v ON_ERROR_STOP=1 --username "$user" --no-password --no-psqlrc)
  if [ "$db" != postgres ]; then
    # psql interpolates variables in its input, not in -c.
    echo 'CREATE DATABASE :"db"' | "${psql[@]}" --dbname postgres --set db="$db" >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    # shellcheck disable=SC1090 # the scripts are the user's
    case "$f" in
      *.sh) echo "postgres: running $f" >&2; . "$f" ;;
      *.sql) echo "postgres: running $f" >&2; "${psql[@]}" --dbname "$db" -f "$f" >/dev/null ;;
      *.sql.gz) echo "postgres: running $f" >&2; gunzip -c "$f" | "${psql[@]}" --dbname "$db" >/dev/null ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "postgres: init process complete; ready for start up" >&2
fi

exec postgres -D "$PGDATA" "$@"
