#!/usr/bin/env bash
# Makes the offline set's Debian base image with debootstrap, no registry needed.
# Usage: build-base.sh TAG SUITE MIRROR SOURCES LABEL
set -euo pipefail
tag=$1 suite=$2 mirror=$3 sources=$4 label=$5
here=$(cd "$(dirname "$0")" && pwd)

command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap >/dev/null; }

root=$(mktemp -d /var/tmp/harita-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include=ca-certificates "$suite" "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -n 30 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"

# The image's apt uses the same mirrors as this machine, updates and security included.
awk '{ print "deb", $1, $2, "main" }' <<<"$sources" >"$root/etc/apt/sources.list"
# Small images: no docs, no man pages, no recommends.
cat >"$root/etc/apt/apt.conf.d/90harita" <<'CONF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
CONF
cat >"$root/etc/dpkg/dpkg.cfg.d/90harita" <<'CONF'
path-exclude /usr/share/doc/*
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
CONF
install -m 0755 "$here/http-probe" "$root/usr/local/bin/http-probe"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

tar -C "$root" -c . | docker import \
  --change "LABEL $label" \
  --change "ENV LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive" \
  --change 'CMD ["bash"]' \
  - "$tag" >/dev/null
