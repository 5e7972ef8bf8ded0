#!/bin/bash
# As the public postgis image does: PostGIS in template_postgis and in POSTGRES_DB.
set -e
export PGUSER="$POSTGRES_USER"
psql --dbname=postgres -v ON_ERROR_STOP=1 -c "CREATE DATABASE template_postgis IS_TEMPLATE true" >/dev/null
for db in template_postgis "$POSTGRES_DB"; do
  psql --dbname="$db" -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS postgis_topology;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE EXTENSION IF NOT EXISTS postgis_tiger_geocoder;
SQL
done
