#!/usr/bin/env bash
# A container engine started afresh, as a brand-new machine has it: a second dockerd in a network
# namespace of its own, with an empty data root, its own socket and its own default bridge
# (made by dockerd itself, so its IPAM Gateway field is as empty as on a new machine), holding
# only the images it is given (copied from the engine DOCKER_HOST names). Commands run inside the
# namespace, so the containers' published ports are on their 127.0.0.1. Everything is removed
# afterwards: the daemon, its files, the namespace with its firewall rules and routes.
# The suites run against it prove that they need no state an engine collects over time:
# networks, containers, volumes, build caches, or a bridge's fields.
#   fresh-engine.sh run [--image IMAGE]... -- COMMAND...   start, run COMMAND in the namespace
#                                                          with DOCKER_HOST set, stop
#   fresh-engine.sh available                              exit 0 where one can be started
# Needs root, dockerd (Debian's docker.io), ip (iproute2), nsenter (util-linux) and iptables.
set -euo pipefail

state_root=${HARITA_STATE_DIR:-/var/lib/harita}
wait_seconds=${HARITA_ENGINE_WAIT_SECONDS:-60}

say() { printf 'fresh-engine: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

available() {
  [ "$(id -u)" = 0 ] && command -v dockerd >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
    command -v iptables >/dev/null 2>&1 && command -v nsenter >/dev/null 2>&1
}

# A /30 no route of this namespace uses, from 10.213.0.0/16, for the link to the fresh namespace.
# Called under the lock, so two runs never pick the same one.
free_link_subnet() {
  local routes i
  routes=$(ip -4 route show)
  for i in $(seq 0 4 252); do
    if ! grep -q "^10\.213\.$i\.0/30" <<<"$routes"; then
      printf '10.213.%s\n' "$i"
      return 0
    fi
  done
  die "no free /30 in 10.213.0.0/16 for the fresh engine's link"
}

# The rules that let the namespace reach the package registries (builds run npm ci) through this
# one, added (-A, -I) or removed (-D) together.
link_rules() {
  local action=$1 link=$2 subnet=$3 chain=(FORWARD)
  iptables -t nat "${action/-I/-A}" POSTROUTING -s "$subnet.0/30" -j MASQUERADE
  # Docker's FORWARD policy is DROP; DOCKER-USER is the chain it leaves to the machine's owner.
  if iptables -nL DOCKER-USER >/dev/null 2>&1; then chain=(DOCKER-USER); fi
  if [ "$action" = -I ]; then chain+=(1); fi
  iptables "$action" "${chain[@]}" -i "$link" -j ACCEPT
  iptables "$action" "${chain[@]}" -o "$link" -j ACCEPT
}

# The daemon of the engine in $1, if it still runs: its pid file (dockerd's own, else the one this
# script recorded), checked against the process's command line, since a pid left from before a
# reboot may name another process now.
daemon_of() {
  local dir=$1 file pid
  for file in dockerd.pid daemon.pid; do
    pid=$(cat "$dir/$file" 2>/dev/null || true)
    if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--data-root $dir/data"; then
      printf '%s\n' "$pid"
      return 0
    fi
  done
}

stop() {
  local dir=$1 pid name link='' subnet='' ids
  # A second Ctrl-C must not cut the clean-up short.
  trap '' INT TERM
  name=$(cat "$dir/netns" 2>/dev/null || true)
  pid=$(daemon_of "$dir")
  if [ -n "$pid" ]; then
    # Its containers first, at once (a test engine keeps no data), so that the daemon's own
    # shutdown is quick and leaves no container running without it.
    ids=$(timeout 20 docker --host "unix://$dir/docker.sock" ps -aq 2>/dev/null || true)
    # shellcheck disable=SC2086 # one id a word
    [ -z "$ids" ] || timeout 60 docker --host "unix://$dir/docker.sock" rm -f -v $ids >/dev/null 2>&1 || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  # A containerd or shim whose daemon is gone would keep containers running: its own under $dir,
  # or a system containerd's shims in the engine's namespace.
  pkill -KILL -f "containerd.*$dir/" 2>/dev/null || true
  if [ -n "$name" ]; then pkill -KILL -f -- "-namespace $name " 2>/dev/null || true; fi
  # Whatever is still mounted under it (a killed daemon's overlays, its containerd's shm).
  findmnt -rn -o TARGET | grep "^$dir/" | sort -r | xargs -r umount -l 2>/dev/null || true
  if [ -f "$dir/link" ]; then read -r link subnet <"$dir/link" || true; fi
  if [ -n "${link:-}" ]; then
    link_rules -D "$link" "$subnet" 2>/dev/null || true
    ip link del "$link" 2>/dev/null || true
  fi
  if [ -n "$name" ]; then ip netns del "$name" 2>/dev/null || true; fi
  rm -rf "$dir" || say "could not remove all of $dir"
}

# Engines whose run is gone (killed before it could clean up, or by a reboot), removed before a
# new one starts. A run holds its owner.lock for as long as it lives: a free lock is a dead run.
sweep() {
  local dir
  for dir in "$state_root"/fresh-engine.*; do
    [ -d "$dir" ] || continue
    if flock -n "$dir/owner.lock" true 2>/dev/null; then
      say "removing $dir, left by a run that was killed"
      (stop "$dir")
    fi
  done
}

run() {
  local images=() dir id name link subnet sock
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    case "$1" in
      --image) images+=("$2") && shift 2 ;;
      *) die "run: unknown argument $1" ;;
    esac
  done
  [ "${1:-}" = -- ] && shift
  [ $# -gt 0 ] || die "run: give a command after --"
  available || die "needs root, dockerd, ip, iptables and nsenter (docker.io, iproute2, util-linux)"
  mkdir -p "$state_root"
  exec 8>"$state_root/fresh-engine.lock"
  flock 8
  sweep
  dir=$(mktemp -d "$state_root/fresh-engine.XXXXXX")
  exec 7>"$dir/owner.lock"
  flock 7
  # shellcheck disable=SC2064 # the directory is known now and must be the one removed
  trap "stop '$dir'" EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local started=$SECONDS
  id=${dir##*.}
  name="harita-fresh-$id"
  # Interface names are at most 15 characters.
  link="hf$id"
  subnet=$(free_link_subnet)
  sock="$dir/docker.sock"

  ip netns add "$name"
  printf '%s\n' "$name" >"$dir/netns"
  ip link add "$link" type veth peer name "${link}n"
  printf '%s %s\n' "$link" "$subnet" >"$dir/link"
  ip link set "${link}n" netns "$name"
  ip addr add "$subnet.1/30" dev "$link"
  ip link set "$link" up
  flock -u 8
  ip netns exec "$name" ip link set lo up
  ip netns exec "$name" ip addr add "$subnet.2/30" dev "${link}n"
  ip netns exec "$name" ip link set "${link}n" up
  ip netns exec "$name" ip route add default via "$subnet.1"
  link_rules -I "$link" "$subnet"

  # nsenter, not `ip netns exec`, which mounts a new /sys and so hides the cgroups dockerd needs.
  # setsid: a Ctrl-C reaches this script, whose trap stops the engine in order. Nothing of the
  # machine's own engine is shared: not its configuration file, nor its containerd namespaces.
  printf '{}\n' >"$dir/daemon.json"
  # 7>&- 8>&-: the daemon holds neither lock, so that a run's death frees them.
  nsenter --net="/run/netns/$name" setsid dockerd \
    --config-file "$dir/daemon.json" \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" \
    --host "unix://$sock" \
    --containerd-namespace "$name" \
    --containerd-plugins-namespace "$name-plugins" \
    >"$dir/dockerd.log" 2>&1 </dev/null 7>&- 8>&- &
  local daemon=$!
  printf '%s\n' "$daemon" >"$dir/daemon.pid"
  for _ in $(seq 1 "$wait_seconds"); do
    if docker --host "unix://$sock" info >/dev/null 2>&1 || ! kill -0 "$daemon" 2>/dev/null; then
      break
    fi
    sleep 1
  done
  if ! docker --host "unix://$sock" info >/dev/null 2>&1; then
    tail -n 20 "$dir/dockerd.log" >&2
    die "the fresh engine did not answer within ${wait_seconds}s"
  fi
  if [ ${#images[@]} -gt 0 ]; then
    say "loading ${#images[@]} image(s)"
    docker save "${images[@]}" | docker --host "unix://$sock" load -q >/dev/null
  fi
  say "started in $((SECONDS - started))s: namespace $name, data root $dir/data"
  local status=0 began=$SECONDS child
  # In the background, so that a signal to this script reaches the command at once.
  nsenter --net="/run/netns/$name" env DOCKER_HOST="unix://$sock" HARITA_FRESH_ENGINE="$dir" "$@" \
    7>&- 8>&- &
  child=$!
  trap 'kill -INT "$child" 2>/dev/null || true' INT
  trap 'kill -TERM "$child" 2>/dev/null || true' TERM
  wait "$child" || status=$?
  # A signal ends `wait` early: the command's own end is what counts.
  while kill -0 "$child" 2>/dev/null; do wait "$child" || status=$?; done
  say "the command ended (exit $status) after $((SECONDS - began))s; removing the engine"
  return "$status"
}

case "${1:-}" in
  run) shift && run "$@" ;;
  available) available ;;
  *) die "usage: fresh-engine.sh run [--image IMAGE]... -- COMMAND... | available" ;;
esac
