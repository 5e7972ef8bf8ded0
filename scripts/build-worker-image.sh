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
rm -f worker/.build-ca.pem
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  cp "$NODE_EXTRA_CA_CERTS" worker/.build-ca.pem
fi
trap 'rm -f worker/.build-ca.pem' EXIT
say "building $tag on ${NODE_IMAGE:-node:24-bookworm-slim}"
docker build -q -f worker/Dockerfile \
  --build-arg "NODE_IMAGE=${NODE_IMAGE:-node:24-bookworm-slim}" \
  -t "$tag" .
