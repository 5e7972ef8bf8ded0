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
deno_image=$(image_of DENO_IMAGE)
say "building $tag on $deno_image"
with_build_ca docker build -q -f functions/Dockerfile \
  --build-arg "NODE_IMAGE=$(image_of NODE_IMAGE)" \
  --build-arg "DENO_IMAGE=$deno_image" \
  -t "$tag" .
