#!/usr/bin/env bash
# Every test: format, lint, types, unit tests, then the e2e suites on real services in containers.
# Installs what it needs: npm packages, a container engine, the offline images where no registry
# answers. Ends with one line: "tests: N passed, N failed".
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$KIT_ROOT"

results=$KIT_ROOT/.test-results
rm -rf "$results"
mkdir -p "$results"

summarise() {
  node scripts/summarise-tests.mjs "$results"/*.json
}
trap summarise EXIT

ensure_npm_packages
ensure_raster_tools

say "format"
npm run --silent format:check
say "lint"
npm run --silent lint
ensure_debian_tool shellcheck
npm run --silent lint:shell
say "build and type-check"
npm run --silent build
say "functions: deno check and deno lint"
npm run --silent check --workspace functions

say "unit tests"
npx vitest run --root contracts --reporter=default --reporter=json --outputFile.json="$results/contracts.json"
npx vitest run --root queue --reporter=default --reporter=json --outputFile.json="$results/queue.json"
npx vitest run --root worker --reporter=default --reporter=json --outputFile.json="$results/worker.json"
say "raster engine tests (GDAL is the oracle)"
npx vitest run --root raster --reporter=default --reporter=json --outputFile.json="$results/raster.json"
say "Kubernetes manifests (kustomize builds, schemas, policies)"
ensure_debian_tool kubectl kubernetes-client
npx vitest run --root k8s --reporter=default --reporter=json --outputFile.json="$results/k8s.json"
say "model serving tests (the demo model, the TF-Serving-compatible server)"
npx vitest run --root model-serving --reporter=default --reporter=json --outputFile.json="$results/model-serving.json"

ensure_engine
select_image_set
say "worker image"
bash scripts/build-worker-image.sh
say "functions image"
bash scripts/build-functions-image.sh
say "model-serving image"
bash scripts/build-model-serving-image.sh
if [ "$(id -u)" = 0 ]; then ensure_debian_tool ip iproute2; fi

# The suites on containers run on an engine started afresh (scripts/fresh-engine.sh), holding only
# the images this run built or chose, so they can depend on no state an engine collects over
# time. Where none can be started (not root, no dockerd) or HARITA_TEST_ENGINE=current, they run
# on the current engine.
service_images=()
while read -r var _; do
  case "$var" in '' | '#'*) continue ;; esac
  image=$(image_of "$var")
  if docker image inspect "$image" >/dev/null 2>&1; then service_images+=(--image "$image"); fi
done <compose/images.tsv
kit_images=(--image harita/worker:dev --image harita/functions:dev --image harita/model-serving:dev
  --image harita/model-serving-tfjs:dev)
export HARITA_TEST_RESULTS=$results
if [ "${HARITA_TEST_ENGINE:-fresh}" = fresh ] && bash scripts/fresh-engine.sh available; then
  say "suites on containers, on an engine started afresh"
  bash scripts/fresh-engine.sh run "${service_images[@]}" "${kit_images[@]}" -- bash scripts/test-containers.sh
  # Only the service images: compose builds the kit's own images, as on a new user's machine.
  say "plain compose from a clean clone, on an engine started afresh"
  export MODEL_SERVING_TARGET=tensorflow-serving COMPOSE_PROFILES=grafana
  if [ "$HARITA_IMAGE_SET" = offline ]; then
    # What an offline site sets in compose/.env: no Grafana, the TF.js server.
    export MODEL_SERVING_TARGET=tfjs COMPOSE_PROFILES=
  fi
  bash scripts/fresh-engine.sh run "${service_images[@]}" -- \
    npx vitest run --config "$KIT_ROOT/e2e/vitest.route.config.ts" --root e2e --reporter=default --reporter=json \
    --outputFile.json="$results/compose-route.json"
else
  say "suites on containers, on the current engine (HARITA_TEST_ENGINE=${HARITA_TEST_ENGINE:-fresh}; no fresh engine here)"
  bash scripts/test-containers.sh
  # It would take the default project and ports, and find the kit's images already built.
  say "plain compose route: SKIPPED, it needs an engine started afresh (root and dockerd)"
fi
