#!/usr/bin/env bash
# Builds the worker image (worker/Dockerfile) on the Node 24 image the image set chose, passing
# the machine's extra CA certificates (NODE_EXTRA_CA_CERTS) to npm inside the build.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$KIT_ROOT"
tag=${1:-harita/worker:dev}
ensure_engine
select_image_set
node_image=$(image_of NODE_IMAGE)
say "building $tag on $node_image"
with_build_ca docker build -q -f worker/Dockerfile --build-arg "NODE_IMAGE=$node_image" -t "$tag" .
