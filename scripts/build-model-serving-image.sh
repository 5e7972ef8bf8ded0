#!/usr/bin/env bash
# Builds the model-serving image with the demo model (model-serving/Dockerfile): TF Serving (target
# tensorflow-serving) where a registry answers, the TF-Serving-compatible TF.js server (target
# tfjs) where none does, or with --tfjs. The result is tagged harita/model-serving:dev either way;
# --gpu builds TF Serving's GPU variant.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$KIT_ROOT"
server=auto
tf_serving=TF_SERVING_IMAGE
for arg in "$@"; do
  case "$arg" in
    --tfjs) server=tfjs ;;
    --gpu) tf_serving=TF_SERVING_GPU_IMAGE ;;
    *) die "usage: $0 [--tfjs] [--gpu]" ;;
  esac
done
ensure_engine
select_image_set
node_image=$(image_of NODE_IMAGE)
with_build_ca docker build -q -f model-serving/Dockerfile --target tfjs \
  --build-arg "NODE_IMAGE=$node_image" -t harita/model-serving-tfjs:dev .
if [ "$server" = auto ] && [ "$HARITA_IMAGE_SET" = public ]; then
  tf_serving_image=$(image_of "$tf_serving")
  say "building TF Serving ($tf_serving_image) with the demo model"
  with_build_ca docker build -q -f model-serving/Dockerfile --target tensorflow-serving \
    --build-arg "NODE_IMAGE=$node_image" --build-arg "TF_SERVING_IMAGE=$tf_serving_image" \
    -t harita/model-serving:dev .
else
  say "model serving: the TF.js server (no registry for tensorflow/serving)"
  docker tag harita/model-serving-tfjs:dev harita/model-serving:dev
fi
