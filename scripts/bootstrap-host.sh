#!/usr/bin/env bash
# Prepare the machine that runs `make`: host packages and a Docker engine that answers.
#
#   scripts/bootstrap-host.sh packages   install missing host tools (debootstrap, python3-venv, ...)
#   scripts/bootstrap-host.sh engine     make sure a Docker daemon answers
#
# Where a daemon already answers, nothing is touched. Otherwise the distribution's engine
# (Debian/Ubuntu `docker.io`) is installed and started: through systemd where PID 1 is systemd,
# else as a background `dockerd` logging to $DOCKYARD_DOCKERD_LOG.
set -euo pipefail

DOCKERD_LOG=${DOCKYARD_DOCKERD_LOG:-/var/log/dockyard-dockerd.log}
WAIT_SECONDS=${DOCKYARD_DOCKERD_WAIT:-60}

say() { printf '    %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root or sudo to run: $*"
  fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: dockyard's bootstrap supports Debian/Ubuntu hosts; install $* by hand"
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"
    as_root apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

need_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; else say "host packages present: $*"; fi
}

python_can_venv() {
  local py=${PYTHON:-python3}
  local tmp
  tmp=$(mktemp -d)
  if "$py" -m venv "$tmp/v" >/dev/null 2>&1; then rm -rf "$tmp"; return 0; fi
  rm -rf "$tmp"; return 1
}

cmd_packages() {
  # debootstrap builds offline base images; the others are what a minimal VM image may lack.
  need_packages debootstrap ca-certificates tar gzip
  if ! python_can_venv; then
    local ver
    ver=$(${PYTHON:-python3} -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install "python${ver}-venv" || apt_install python3-venv
  fi
}

engine_answers() { docker info >/dev/null 2>&1; }

wait_for_engine() {
  local i
  for ((i = 0; i < WAIT_SECONDS; i++)); do
    engine_answers && return 0
    sleep 1
  done
  return 1
}

cmd_engine() {
  if engine_answers; then
    say "Docker engine answers ($(docker version -f '{{.Server.Version}}')): leaving it alone"
    return 0
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    apt_install docker.io
  fi
  if [ "$(ps -p 1 -o comm= 2>/dev/null)" = "systemd" ]; then
    say "starting docker.service through systemd"
    as_root systemctl enable --now docker.service
  else
    say "PID 1 is not systemd: starting dockerd in the background (log: $DOCKERD_LOG)"
    as_root sh -c "nohup dockerd >>'$DOCKERD_LOG' 2>&1 &"
  fi
  if ! wait_for_engine; then
    [ -f "$DOCKERD_LOG" ] && tail -n 20 "$DOCKERD_LOG" >&2
    die "the Docker engine did not answer within ${WAIT_SECONDS}s"
  fi
  # Let the invoking user talk to the daemon without sudo for the rest of this run.
  if [ "$(id -u)" -ne 0 ] && ! docker info >/dev/null 2>&1; then
    die "the engine runs but $(id -un) cannot reach it: add yourself to the docker group or run as root"
  fi
  say "Docker engine answers ($(docker version -f '{{.Server.Version}}'))"
}

case "${1:-}" in
  packages) cmd_packages ;;
  engine) cmd_engine ;;
  *) die "usage: $0 packages|engine" ;;
esac
