#!/usr/bin/env bash
# The local stack: up (build what it must, start, wait until every service is healthy, run the
# demo, say how to reach each one), status, down [--volumes].
#   up [--no-monitoring] [--no-demo]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"

compose_dir=$KIT_ROOT/compose
env_file=${HARITA_ENV_FILE:-$compose_dir/.env}
wait_seconds=${HARITA_UP_TIMEOUT:-300}
# What `--no-monitoring` leaves out.
MONITORING_SERVICES='prometheus|alertmanager|node-exporter|grafana'

# `docker compose` (v2) where it is, else docker-compose (installing Debian's 1.29 as root).
# COMPOSE_PROFILES, when `up`, `status` or `down` set it, wins over the one in compose/.env.
compose() {
  local files=(-p "$(project)" --env-file "$env_file" -f "$compose_dir/docker-compose.yml")
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
  # Settings added to .env.example since this .env was written join it with their defaults.
  local line key
  while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    key=${line%%=*}
    if ! grep -q "^$key=" "$env_file"; then
      printf '%s\n' "$line" >>"$env_file"
      say "added $key to $(basename "$env_file") (its default)"
    fi
  done <"$compose_dir/.env.example"
  # The image set may be chosen in .env; the environment wins.
  if [ -z "${HARITA_IMAGE_SET:-}" ]; then
    HARITA_IMAGE_SET=$(env_value HARITA_IMAGE_SET)
    export HARITA_IMAGE_SET=${HARITA_IMAGE_SET:-auto}
  fi
}

env_value() { sed -n "s/^$1=//p" "$env_file" | tail -n 1; }

# Whether COMPOSE_PROFILES, as `up` set it, starts Grafana.
grafana_on() { [[ ",$COMPOSE_PROFILES," == *,grafana,* ]]; }

# The project's name: COMPOSE_PROJECT_NAME from the environment, else from compose/.env.
project() {
  local name=${COMPOSE_PROJECT_NAME:-$(env_value COMPOSE_PROJECT_NAME)}
  printf '%s\n' "${name:-harita-hive}"
}

wait_healthy() {
  local deadline=$((SECONDS + wait_seconds)) ids id pending state name code
  ids=$(compose ps -q)
  [ -n "$ids" ] || die "no containers started"
  while :; do
    pending=()
    for id in $ids; do
      state=$(docker inspect -f '{{ if .State.Health }}{{ .State.Health.Status }}{{ else }}{{ .State.Status }}{{ end }}' "$id")
      name=$(docker inspect -f '{{ index .Config.Labels "com.docker.compose.service" }}' "$id")
      case "$state" in
        healthy) ;;
        exited | dead)
          # The one-shot services (migrate, object-store-init) end with 0 once they did their job.
          code=$(docker inspect -f '{{ .State.ExitCode }}' "$id")
          if [ "$code" != 0 ] || [ "$(docker inspect -f '{{ .HostConfig.RestartPolicy.Name }}' "$id")" != no ]; then
            docker logs --tail 30 "$id" >&2
            die "$name exited (code $code) before it was healthy"
          fi
          ;;
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

# The kit's own images: the worker, the API and model serving, built from this checkout.
build_images() {
  bash "$KIT_ROOT/scripts/build-worker-image.sh"
  bash "$KIT_ROOT/scripts/build-functions-image.sh"
  bash "$KIT_ROOT/scripts/build-model-serving-image.sh"
}

run_demo() {
  local grafana=''
  if grafana_on; then grafana="http://127.0.0.1:$(env_value GRAFANA_PORT)"; fi
  say "demo: an NDVI job and an inference job through the API"
  API_URL="http://127.0.0.1:$(env_value API_PORT)" \
    JWT_SECRET="$(env_value JWT_SECRET)" \
    DATABASE_URL="postgres://$(env_value POSTGRES_USER):$(env_value POSTGRES_PASSWORD)@127.0.0.1:$(env_value POSTGRES_PORT)/$(env_value POSTGRES_DB)" \
    DEMO_OUTPUT_DIR="${DEMO_OUTPUT_DIR:-$KIT_ROOT/demo-output}" \
    GRAFANA_URL="$grafana" \
    node "$KIT_ROOT/demo/dist/main.js"
}

print_endpoints() {
  local with_monitoring=$1 monitoring grafana
  if [ "$with_monitoring" = 1 ]; then
    monitoring="  Prometheus     http://127.0.0.1:$(env_value PROMETHEUS_PORT)
  Alertmanager   http://127.0.0.1:$(env_value ALERTMANAGER_PORT)"
  else
    monitoring="  Monitoring     left out (--no-monitoring)"
  fi
  if grafana_on; then
    grafana="  Grafana        http://127.0.0.1:$(env_value GRAFANA_PORT)  ($(env_value GRAFANA_ADMIN_USER), password in compose/.env; dashboard Harita Hive overview)"
  elif [ "$with_monitoring" = 1 ]; then
    grafana="  Grafana        not started: no offline image, or not in COMPOSE_PROFILES (README: Monitoring)"
  else
    grafana="  Grafana        left out (--no-monitoring)"
  fi
  cat <<INFO

Harita Hive local stack is up and healthy (project $(project), images: $HARITA_IMAGE_SET).

  API            http://127.0.0.1:$(env_value API_PORT)/functions/v1/<datasets|jobs|inference|health>
  API docs       http://127.0.0.1:$(env_value API_PORT)/openapi.json  (OpenAPI 3.1)
  Model serving  http://127.0.0.1:$(env_value MODEL_SERVING_PORT)/v1/models/landcover  (TF Serving REST API)
  Worker         http://127.0.0.1:$(env_value WORKER_METRICS_PORT)/metrics
  Dispatcher     http://127.0.0.1:$(env_value DISPATCHER_METRICS_PORT)/metrics  (the queue's depth)
  Redis          redis://:$(env_value REDIS_PASSWORD)@127.0.0.1:$(env_value REDIS_PORT)
  PostgreSQL     postgres://$(env_value POSTGRES_USER):$(env_value POSTGRES_PASSWORD)@127.0.0.1:$(env_value POSTGRES_PORT)/$(env_value POSTGRES_DB)
  Object store   http://127.0.0.1:$(env_value OBJECT_STORE_PORT)  (S3, path-style; access key $(env_value OBJECT_STORE_ACCESS_KEY), secret key in compose/.env)
$monitoring
$grafana

  ./kit status            what is running
  ./kit down [--volumes]  stop it (--volumes also deletes its data)
INFO
}

up() {
  local monitoring=1 demo=1 arg started
  for arg in "$@"; do
    case "$arg" in
      --no-monitoring) monitoring=0 ;;
      --no-demo) demo=0 ;;
      *) die "usage: ./kit up [--no-monitoring] [--no-demo]" ;;
    esac
  done
  ensure_engine
  ensure_env_file
  ensure_npm_packages
  say "building the workspaces"
  (cd "$KIT_ROOT" && npm run --silent build)
  select_image_set
  build_images
  # The profiles the user chose (the environment, else compose/.env), less Grafana where its
  # image cannot be had or monitoring is left out. "none" (no such profile) stands for no profile
  # at all, so that compose/.env's value does not come back.
  local profiles grafana_image
  profiles=$(printf '%s' "${COMPOSE_PROFILES-$(env_value COMPOSE_PROFILES)}" | tr -d "\"' \r")
  grafana_image=${GRAFANA_IMAGE:-$(env_value GRAFANA_IMAGE)}
  if [ "$monitoring" = 0 ] || { [ "$HARITA_IMAGE_SET" != public ] && [ -z "$grafana_image" ]; }; then
    profiles=$(tr ',' '\n' <<<"$profiles" | grep -vx grafana | paste -sd, - || true)
  fi
  export COMPOSE_PROFILES=${profiles:-none}
  # Named services start with what they depend on; none named is every service.
  local services=() service all
  if [ "$monitoring" = 0 ]; then
    all=$(compose config --services) || die "compose config failed"
    while read -r service; do services+=("$service"); done < <(grep -vxE "$MONITORING_SERVICES" <<<"$all")
    [ ${#services[@]} -gt 0 ] || die "no services left to start without monitoring"
  fi
  say "starting the stack"
  started=$SECONDS
  compose up -d --remove-orphans ${services[@]+"${services[@]}"}
  say "waiting until every service is healthy"
  wait_healthy
  say "healthy $((SECONDS - started))s after starting"
  if [ "$demo" = 1 ] && [ "$(env_value DEMO)" != 0 ]; then
    started=$SECONDS
    run_demo
    say "demo done in $((SECONDS - started))s"
  fi
  print_endpoints "$monitoring"
}

# Every profile, so status and down see (and stop) Grafana too.
all_profiles() {
  export COMPOSE_PROFILES=grafana
}

case "${1:-}" in
  up) shift && up "$@" ;;
  status) ensure_env_file && all_profiles && compose ps ;;
  down) ensure_env_file && all_profiles && shift && compose down "$@" ;;
  *) die "usage: stack.sh up [--no-monitoring] [--no-demo] | status | down [--volumes]" ;;
esac
