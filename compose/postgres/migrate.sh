#!/usr/bin/env bash
# Applies Supabase's roles (for plain Postgres) and then each migration not yet applied, in name
# order, each in one transaction, recording it in harita_migrations. Safe to run again.
set -euo pipefail
psql -v ON_ERROR_STOP=1 -q -f /migrate/roles/supabase-roles.sql
psql -v ON_ERROR_STOP=1 -q -c 'create table if not exists public.harita_migrations (name text primary key, applied_at timestamptz not null default now())'
for file in /migrate/migrations/*.sql; do
  name=$(basename "$file")
  if [ "$(psql -tAc "select 1 from public.harita_migrations where name = '$name'")" = 1 ]; then
    continue
  fi
  echo "applying $name"
  psql -v ON_ERROR_STOP=1 -q --single-transaction \
    -f "$file" -c "insert into public.harita_migrations (name) values ('$name')"
done
# The dispatcher's role is made without a login by a migration; the local stack gives it one.
if [ -n "${DISPATCHER_DB_PASSWORD:-}" ]; then
  # From stdin, where psql quotes the variable (it does not interpolate -c strings).
  echo "alter role harita_dispatcher login password :'password';" |
    psql -v ON_ERROR_STOP=1 -q -v password="$DISPATCHER_DB_PASSWORD"
fi
echo "migrations: up to date"
