#!/usr/bin/env bash
# Builds the model-serving image with the demo model: TF Serving where a registry answers, the
# TF-Serving-compatible TF.js server where none does (or with --tfjs). The result is tagged
# harita/model-serving:dev either way; --gpu builds TF Serving's GPU variant.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$KIT_ROOT"
server=auto
tf_serving_image=tensorflow/serving:2.18.0
for arg in "$@"; do
  case "$arg" in
    --tfjs) server=tfjs ;;
    --gpu) tf_serving_image=tensorflow/serving:2.18.0-gpu ;;
    *) die "usage: $0 [--tfjs] [--gpu]" ;;
  esac
done
ensure_engine
select_image_set
with_build_ca docker build -q -f model-serving/Dockerfile \
  --build-arg "NODE_IMAGE=${NODE_IMAGE:-node:24-bookworm-slim}" \
  -t harita/model-serving-tfjs:dev .
if [ "$server" = auto ] && [ "$HARITA_IMAGE_SET" = public ]; then
  say "building TF Serving ($tf_serving_image) with the demo model"
  docker build -q -f model-serving/tensorflow-serving/Dockerfile \
    --build-arg MODEL_IMAGE=harita/model-serving-tfjs:dev \
    --build-arg "TF_SERVING_IMAGE=$tf_serving_image" \
    -t harita/model-serving:dev .
else
  say "model serving: the TF.js server (no registry for tensorflow/serving)"
  docker tag harita/model-serving-tfjs:dev harita/model-serving:dev
fi
