#!/usr/bin/env bash
# Builds the offline image set: a Debian base made with debootstrap from the mirror this machine's
# apt already uses, and one image per service on it (compose/images.tsv lists them).
# An image whose inputs did not change is skipped: each carries its inputs' hash as a label.
# Usage: build.sh [--force] [NAME...]   (default: every image in images.tsv; --force rebuilds
# even unchanged images, for example to take Debian's security updates)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
table="$here/../images.tsv"
base_tag=harita-offline/debian:bookworm
suite=bookworm
hash_label=dev.harita.content-hash

say() { echo "images: $*" >&2; }

# The Debian mirrors apt already uses for $suite, one "URI SUITE" line per suite, from both the
# one-line and the deb822 formats. Never a hard-coded host.
apt_sources() {
  {
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /=/ ) { print $i, $(i+1); break } }' /etc/apt/sources.list 2>/dev/null
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk '
        /^[[:space:]]*$/ { flush(); next }
        /^URIs:/ { uris = $2 }
        /^Suites:/ { suites = ""; for (i = 2; i <= NF; i++) suites = suites " " $i }
        /^Types:/ { deb = ($0 ~ /(^|[[:space:]])deb([[:space:]]|$)/) }
        function flush() { if (deb && uris != "") { n = split(suites, s, " "); for (i = 1; i <= n; i++) print uris, s[i] } uris = ""; suites = ""; deb = 0 }
        END { flush() }' "$f"
    done
  } | awk -v suite="$suite" '$2 == suite || index($2, suite "-") == 1' | sort -u
}

force=false

label_of() { docker image inspect -f "{{ index .Config.Labels \"$hash_label\" }}" "$1" 2>/dev/null || true; }

hash_stdin() { sha256sum | cut -c1-64; }

# Every file of a build directory (names and contents), except the download cache.
hash_dir() {
  (cd "$1" && find . -path ./.cache -prune -o -type f -print | LC_ALL=C sort | while read -r f; do
    printf '%s\n' "$f"
    sha256sum < "$f"
  done) | hash_stdin
}

build_base() {
  local sources mirror hash
  sources=$(apt_sources)
  mirror=$(awk -v suite="$suite" '$2 == suite { print $1; exit }' <<<"$sources")
  if [ -z "$mirror" ]; then
    say "no Debian $suite mirror in apt's sources; the offline set needs one" && return 1
  fi
  hash=$( { printf '%s\n' "$sources"; cat "$here/base/build-base.sh" "$here/base/http-probe"; } | hash_stdin)
  if ! $force && [ "$(label_of "$base_tag")" = "$hash" ]; then
    say "$base_tag is up to date"
    return 0
  fi
  say "building $base_tag from $mirror (debootstrap, a few minutes)"
  bash "$here/base/build-base.sh" "$base_tag" "$suite" "$mirror" "$sources" "$hash_label=$hash"
}

# npm tarballs an image needs (its npm-packages file, one exact spec a line), packed into its cache.
fetch_npm_packages() {
  local dir=$1 spec
  [ -f "$dir/npm-packages" ] || return 0
  mkdir -p "$dir/.cache"
  while read -r spec; do
    case "$spec" in '' | '#'*) continue ;; esac
    (cd "$dir/.cache" && npm pack --silent "$spec" >/dev/null)
  done <"$dir/npm-packages"
}

build_image() {
  local tag=$1 dir=$here/$2 hash version log=${TMPDIR:-/tmp}/harita-image-$2.log
  hash=$( { docker image inspect -f '{{ .Id }}' "$base_tag"; hash_dir "$dir"; } | hash_stdin)
  if ! $force && [ "$(label_of "$tag")" = "$hash" ]; then
    say "$tag is up to date"
    return 0
  fi
  say "building $tag"
  fetch_npm_packages "$dir"
  if ! docker build --build-arg "BASE=$base_tag" -t "$tag.build" "$dir" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    say "building $tag failed; the whole log is $log"
    return 1
  fi
  # The version is what the image really installed: each Dockerfile records it in a file.
  version=$(docker run --rm --entrypoint cat "$tag.build" /etc/harita-image-version)
  printf 'FROM %s\n' "$tag.build" | docker build --quiet \
    --label "$hash_label=$hash" \
    --label "org.opencontainers.image.version=$version" \
    --label "org.opencontainers.image.title=$2" \
    --label "org.opencontainers.image.source=harita-hive/compose/images/$2" \
    -t "$tag" - >/dev/null 2>>"$log"
  docker rmi "$tag.build" >/dev/null
  rm -f "$log"
  say "built $tag ($version)"
}

main() {
  if [ "${1:-}" = --force ]; then
    force=true
    shift
  fi
  local wanted=("$@") var offline dir
  # Two builds at once (./kit up beside ./kit test) would build the same images twice.
  exec 9>"${TMPDIR:-/tmp}/harita-images.lock"
  flock 9
  build_base
  while read -r var _ offline dir; do
    case "$var" in '' | '#'*) continue ;; esac
    [ "$offline" != - ] || continue
    if [ ${#wanted[@]} -gt 0 ] && [[ " ${wanted[*]} " != *" $dir "* ]]; then
      continue
    fi
    build_image "$offline" "$dir"
  done <"$table"
  docker image prune -f --filter "label=$hash_label" >/dev/null
}

main "$@"
