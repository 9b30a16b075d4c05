#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine, installing and starting one if needed.
#
#   sudo scripts/docker/ensure-engine.sh
#
# - `docker info` already works: nothing is installed or started (a second run is a no-op),
#   only missing `docker-compose`/`debootstrap` commands are added.
# - otherwise, on Debian/Ubuntu as root: `apt-get update` (once) and
#   `apt-get install -y docker.io docker-compose debootstrap` for whatever is missing, then
#   `dockerd` is started in the background (log: $DOCKERD_LOG, default /var/log/dockerd.log)
#   and the script waits, at most $DOCKER_WAIT_SECONDS (default 60), for the socket and
#   `docker info`.
# It never touches a machine where Docker is managed by something else (Docker Desktop,
# systemd): when `docker info` fails there and this is not root on apt, it says what to do.
#
# The CI step .ci/steps/20-docker.sh runs this file; it is the only copy of the logic.
set -euo pipefail

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
DOCKER_WAIT_SECONDS=${DOCKER_WAIT_SECONDS:-60}
SOCKET=${DOCKER_SOCKET:-/var/run/docker.sock}
PIDFILE=${DOCKER_PIDFILE:-/var/run/docker.pid}

say() { printf '[docker-engine] %s\n' "$*"; }
die() { printf '[docker-engine] error: %s\n' "$*" >&2; exit 1; }

apt_updated=0
apt_install() {
  [ "$#" -gt 0 ] || return 0
  command -v apt-get >/dev/null 2>&1 || die "missing $*, and this machine has no apt-get: install them by hand"
  [ "$(id -u)" -eq 0 ] || die "missing $*: run this script as root (or install them by hand)"
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install -y $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

engine_up() { docker info >/dev/null 2>&1; }

# 1. Packages for whatever command is missing (dockerd only matters when no engine answers).
missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ! engine_up; then
  { command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1; } || missing+=(docker.io)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  # docker.io's recommends (e.g. cgroupfs-mount, git) are not needed; its depends are
  # containerd, runc, iptables and tini. debootstrap needs wget or curl to fetch packages.
  pkgs=("${missing[@]}")
  case " ${missing[*]} " in *" debootstrap "*) command -v wget >/dev/null 2>&1 || pkgs+=(wget) ;; esac
  apt_install "${pkgs[@]}"
fi

if engine_up; then
  say "engine ready: $(docker version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null || echo 'docker info ok')"
  exit 0
fi

# 2. Start dockerd ourselves (a CI machine or a container-less VM without systemd).
[ "$(id -u)" -eq 0 ] || die "docker info fails and this is not root: start Docker (Docker Desktop, 'sudo systemctl start docker') or rerun as root"
# dockerd writes its pid to /var/run/docker.pid; no pgrep needed (procps may be missing).
running_pid() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && printf '%s' "$pid"
}
if pid=$(running_pid); then
  say "dockerd is already running (pid $pid); waiting for it"
else
  say "starting dockerd in the background (log: $DOCKERD_LOG)"
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  # setsid + nohup: the daemon outlives this shell and the CI step that sourced us.
  setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  pid=$!
fi

deadline=$((SECONDS + DOCKER_WAIT_SECONDS))
until [ -S "$SOCKET" ] && engine_up; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    printf '[docker-engine] error: dockerd did not answer within %ss; last lines of %s:\n' "$DOCKER_WAIT_SECONDS" "$DOCKERD_LOG" >&2
    tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
    exit 1
  fi
  if ! kill -0 "$pid" 2>/dev/null && ! running_pid >/dev/null; then
    printf '[docker-engine] error: dockerd exited; last lines of %s:\n' "$DOCKERD_LOG" >&2
    tail -n 20 "$DOCKERD_LOG" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 1
done
say "engine ready after $((SECONDS))s: $(docker version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}')"
