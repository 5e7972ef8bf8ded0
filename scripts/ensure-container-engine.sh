#!/usr/bin/env bash
# Makes sure a container engine answers `docker info`.
# Does nothing where one already answers (Docker Desktop, a CI runner); otherwise, as root on
# Debian, installs Debian's docker.io, starts dockerd in the background and waits for it.
# Idempotent and safe to run twice at once (an flock serialises the install and the start).
set -euo pipefail

log_dir=${HARITA_STATE_DIR:-/var/lib/harita}
dockerd_log="$log_dir/dockerd.log"
wait_seconds=${HARITA_ENGINE_WAIT_SECONDS:-60}

engine_answers() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_answers; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "ensure-container-engine: no container engine answers and this is not root; start Docker (or run as root to install Debian's docker.io)" >&2
  exit 1
fi

mkdir -p "$log_dir"
exec 9>"$log_dir/engine.lock"
flock 9

# Another run may have started the engine while this one waited for the lock.
if command -v docker >/dev/null 2>&1 && engine_answers; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "ensure-container-engine: installing Debian's docker.io" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "ensure-container-engine: starting dockerd (log: $dockerd_log)" >&2
  # setsid: the engine must outlive the shell that started it. 9>&-: it must not inherit the
  # lock, or it would hold it for as long as it runs.
  setsid dockerd >>"$dockerd_log" 2>&1 </dev/null 9>&- &
fi

for _ in $(seq 1 "$wait_seconds"); do
  if engine_answers; then
    exit 0
  fi
  sleep 1
done
echo "ensure-container-engine: dockerd did not answer within ${wait_seconds}s; see $dockerd_log" >&2
tail -n 20 "$dockerd_log" >&2 || true
exit 1
