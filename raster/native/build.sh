#!/usr/bin/env bash
# Builds the libdeflate binding (a Node-API addon) into raster/native/build/. Without a C compiler
# or libdeflate's headers it says so and stops: the engine then falls back to node:zlib.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/build/harita_deflate.node
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1 || [ ! -f /usr/include/libdeflate.h ]; then
  echo "native: no C compiler or no libdeflate headers (Debian's libdeflate-dev); Deflate runs on node:zlib" >&2
  exit 0
fi
include=$(cd "$here" && node -p "require('node-api-headers').include_dir")
if [ -f "$out" ] && [ "$out" -nt "$here/harita_deflate.c" ]; then
  exit 0
fi
mkdir -p "$here/build"
"$cc" -O2 -shared -fPIC -Wall -Wextra -Werror -DNAPI_VERSION=8 -I"$include" \
  "$here/harita_deflate.c" -ldeflate -o "$out.tmp"
mv "$out.tmp" "$out"
