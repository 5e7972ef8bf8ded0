#!/usr/bin/env bash
# The local stack: up (build what it must, start, wait until every service is healthy, say how to
# reach each one), status, down [--volumes].
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

compose_dir=$KIT_ROOT/compose
env_file=$compose_dir/.env
project=${COMPOSE_PROJECT_NAME:-harita-hive}
wait_seconds=${HARITA_UP_TIMEOUT:-300}

# `docker compose` (v2) where it is, else docker-compose (installing Debian's 1.29 as root).
compose() {
  local files=(-p "$project" --env-file "$env_file" -f "$compose_dir/docker-compose.yml")
  if docker compose version >/dev/null 2>&1; then
    docker compose "${files[@]}" "$@"
  else
    ensure_debian_tool docker-compose
    docker-compose "${files[@]}" "$@"
  fi
}

ensure_env_file() {
  if [ ! -f "$env_file" ]; then
    cp "$compose_dir/.env.example" "$env_file"
    say "wrote compose/.env from .env.example; edit it to change ports and secrets"
  fi
  # The image set may be chosen in .env; the environment wins.
  if [ -z "${HARITA_IMAGE_SET:-}" ]; then
    HARITA_IMAGE_SET=$(env_value HARITA_IMAGE_SET)
    export HARITA_IMAGE_SET=${HARITA_IMAGE_SET:-auto}
  fi
}

env_value() { sed -n "s/^$1=//p" "$env_file" | tail -n 1; }

wait_healthy() {
  local deadline=$((SECONDS + wait_seconds)) ids id pending state name
  ids=$(compose ps -q)
  [ -n "$ids" ] || die "no containers started"
  while :; do
    pending=()
    for id in $ids; do
      state=$(docker inspect -f '{{ if .State.Health }}{{ .State.Health.Status }}{{ else }}{{ .State.Status }}{{ end }}' "$id")
      name=$(docker inspect -f '{{ index .Config.Labels "com.docker.compose.service" }}' "$id")
      case "$state" in
        healthy) ;;
        exited | dead) docker logs --tail 30 "$id" >&2; die "$name exited before it was healthy" ;;
        *) pending+=("$name:$state") ;;
      esac
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    if [ $SECONDS -ge $deadline ]; then
      for id in $ids; do docker logs --tail 20 "$id" >&2 2>&1 || true; done
      die "not healthy after ${wait_seconds}s: ${pending[*]}"
    fi
    sleep 1
  done
}

print_endpoints() {
  cat <<INFO

Harita Hive local stack is up and healthy (project $project, images: $HARITA_IMAGE_SET).

  Redis          redis://:$(env_value REDIS_PASSWORD)@127.0.0.1:$(env_value REDIS_PORT)
  PostgreSQL     postgres://$(env_value POSTGRES_USER):$(env_value POSTGRES_PASSWORD)@127.0.0.1:$(env_value POSTGRES_PORT)/$(env_value POSTGRES_DB)
  Object store   http://127.0.0.1:$(env_value OBJECT_STORE_PORT)  (S3, path-style; access key $(env_value OBJECT_STORE_ACCESS_KEY), secret key in compose/.env)
  Prometheus     http://127.0.0.1:$(env_value PROMETHEUS_PORT)
  Alertmanager   http://127.0.0.1:$(env_value ALERTMANAGER_PORT)

  ./kit status            what is running
  ./kit down [--volumes]  stop it (--volumes also deletes its data)
INFO
}

up() {
  ensure_engine
  ensure_env_file
  select_image_set
  say "starting the stack"
  compose up -d --remove-orphans
  say "waiting until every service is healthy"
  local started=$SECONDS
  wait_healthy
  say "healthy after $((SECONDS - started))s"
  print_endpoints
}

case "${1:-}" in
  up) up ;;
  status) ensure_env_file && compose ps ;;
  down) ensure_env_file && shift && compose down "$@" ;;
  *) die "usage: stack.sh up | status | down [--volumes]" ;;
esac
