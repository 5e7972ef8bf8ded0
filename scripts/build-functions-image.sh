#!/usr/bin/env bash
# Builds the API image (functions/Dockerfile): Deno serving every Edge Function, on the Node and
# Deno images the image set chose.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$KIT_ROOT"
tag=${1:-harita/functions:dev}
ensure_engine
select_image_set
say "building $tag on ${DENO_IMAGE:-denoland/deno:2.9.6}"
with_build_ca docker build -q -f functions/Dockerfile \
  --build-arg "NODE_IMAGE=${NODE_IMAGE:-node:24-bookworm-slim}" \
  --build-arg "DENO_IMAGE=${DENO_IMAGE:-denoland/deno:2.9.6}" \
  -t "$tag" .
