#!/usr/bin/env bash
# Prepare the machine that runs `make`: host packages and a Docker engine that answers.
#
#   scripts/bootstrap-host.sh packages   install missing host tools (debootstrap, python3-venv, ...)
#   scripts/bootstrap-host.sh engine     make sure a Docker daemon answers, for this user too
#
# Where a daemon already answers, nothing is touched. What else the engine step finds:
#   - a daemon this user may not use (its socket answers "permission denied"): the user is
#     added to the `docker` group through sudo, and the rest of the make run reaches the
#     engine through `sg docker` (scripts/make-shell.sh); new shells need a new login;
#   - a dockerd that runs but does not answer yet: it is waited for, never started twice;
#   - no daemon: the distribution's engine (Debian/Ubuntu `docker.io`) is installed if needed
#     and started, through systemd where PID 1 is systemd, else as a background `dockerd`
#     logging to $DOCKYARD_DOCKERD_LOG, whose last lines are shown only if it dies.
# Without root or sudo, it stops saying exactly what an administrator has to run.
set -euo pipefail

DOCKERD_LOG=${DOCKYARD_DOCKERD_LOG:-/var/log/dockyard-dockerd.log}
WAIT_SECONDS=${DOCKYARD_DOCKERD_WAIT:-60}
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")

say() { printf '    %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }
me() { id -un; }

# Passwordless sudo, or sudo that may ask for the password on a terminal.
can_sudo() {
  command -v sudo >/dev/null 2>&1 || return 1
  sudo -n true 2>/dev/null && return 0
  [ -t 0 ] && sudo -v
}

as_root() {
  if is_root; then "$@"
  elif can_sudo; then sudo "$@"
  else die "$(me) is not root and cannot use sudo: ask an administrator to run: sudo $*"
  fi
}

apt_updated=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: dockyard's bootstrap supports Debian/Ubuntu hosts; install $* by hand"
  is_root || can_sudo || die "$(me) is not root and cannot use sudo to install $*. Ask an administrator to run:" \
    "sudo apt-get update && sudo apt-get install -y --no-install-recommends $* ; then re-run make."
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

# --- The engine ---------------------------------------------------------------------------
SOCKET=${DOCKER_HOST:-unix:///var/run/docker.sock}
SOCKET=${SOCKET#unix://}

# The docker group as the group database has it (usermod's work), not as this login session
# has it (fixed at login): the two differ right after the user was added.
in_docker_group() { id -nG "$(me)" | tr ' ' '\n' | grep -qx docker; }
# The pids of running dockerd processes, on one line (empty when there is none).
dockerd_pids() {
  local pids
  pids=$(ps -C dockerd -o pid= 2>/dev/null) || true
  echo $pids  # unquoted: one line, single spaces
}

# ok: the engine answers this user; denied: its socket is there but refuses this user;
# starting: a dockerd runs but does not answer (yet); none: no daemon at all.
engine_state() {
  local out
  if out=$(docker info 2>&1 >/dev/null); then echo ok
  elif [ -S "$SOCKET" ] && grep -qi 'permission denied' <<<"$out" && ! stale_socket; then echo denied
  elif [ -n "$(dockerd_pids)" ]; then echo starting
  else echo none
  fi
}

# A socket file left by a dockerd that stopped without removing it refuses a user outside the
# docker group exactly as a live engine does. It is stale when no dockerd runs and root cannot
# reach an engine through it either (systemd's docker.socket would start one for root). With
# no sudo to ask, only a machine without systemd (no socket activation) tells it for sure.
stale_socket() {
  [ -z "$(dockerd_pids)" ] || return 1
  if is_root || can_sudo; then ! as_root docker info >/dev/null 2>&1
  else [ "$(ps -p 1 -o comm= 2>/dev/null)" != "systemd" ]
  fi
}

# Wait while the engine is starting; print the state it ends in. $1: the pid of a dockerd
# started here, to stop waiting as soon as it has died.
wait_for_engine() {
  local started=${1:-} state i
  for ((i = 0; ; i++)); do
    state=$(engine_state)
    if [ "$state" != starting ] && [ "$state" != none ]; then echo "$state"; return; fi
    if [ -n "$started" ] && ! ps -p "$started" -o pid= >/dev/null 2>&1; then echo died; return; fi
    if [ "$i" -ge "$WAIT_SECONDS" ]; then echo "$state"; return; fi
    sleep 1
  done
}

server_version() { docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?'; }

# The engine runs but refuses this user: join the docker group (through sudo) and reach the
# engine through `sg docker` for the rest of this make run (scripts/make-shell.sh does that
# for every later recipe line); a new login gives new shells the group.
grant_access() {
  local user
  user=$(me)
  if ! in_docker_group; then
    can_sudo || die "the Docker engine runs, but $user may not use $SOCKET and cannot use sudo to join the docker" \
      "group. Ask an administrator to run: sudo usermod -aG docker $user ; then log in again and re-run make."
    say "adding $user to the docker group (sudo usermod -aG docker $user): Docker access is root-equivalent"
    as_root usermod -aG docker "$user"
  fi
  command -v sg >/dev/null 2>&1 || die "$user is in the docker group, but this session is not and sg is missing:" \
    "log in again (or run: newgrp docker) and re-run make."
  local i
  for ((i = 0; ; i++)); do
    sg docker -c 'docker info' >/dev/null 2>&1 && break
    [ "$i" -ge "$WAIT_SECONDS" ] && die "the Docker engine does not answer $user even through the docker group ($SOCKET)"
    sleep 1
  done
  say "Docker engine answers through the docker group; the rest of this make run reaches it through"
  say "'sg docker'. New shells need a new login (or 'newgrp docker') to be in the group."
}

start_engine() {
  if ! is_root && ! can_sudo; then
    die "no Docker engine answers and $(me) cannot use sudo to start one. Ask an administrator to run:" \
      "sudo $SELF engine && sudo usermod -aG docker $(me) ; then log in again and re-run make (or run make as root)."
  fi
  # dockerd lives in /usr/sbin, often outside a user's PATH: looked up as root.
  as_root sh -c 'command -v dockerd' >/dev/null 2>&1 || apt_install docker.io
  if [ "$(ps -p 1 -o comm= 2>/dev/null)" = "systemd" ]; then
    say "starting docker.service through systemd"
    if ! as_root systemctl enable --now docker.service; then
      as_root systemctl status --no-pager --lines=20 docker.service >&2 || true
      die "docker.service did not start (its last log lines are above)"
    fi
    STARTED_PID=
  else
    say "PID 1 is not systemd: starting dockerd in the background (log: $DOCKERD_LOG)"
    # Lines already in the log, so that only this start's are shown if dockerd dies.
    LOG_BEFORE=$(as_root sh -c 'cat "$1" 2>/dev/null | wc -l' sh "$DOCKERD_LOG")
    STARTED_PID=$(as_root sh -c 'nohup dockerd >>"$1" 2>&1 </dev/null & echo $!' sh "$DOCKERD_LOG")
  fi
}

cmd_engine() {
  local state
  state=$(engine_state)
  if [ "$state" = ok ]; then
    say "Docker engine answers ($(server_version)): leaving it alone"
    return 0
  fi
  if [ "$state" = starting ]; then
    say "a dockerd runs (pid $(dockerd_pids)) but does not answer yet: waiting, never starting a second one"
    state=$(wait_for_engine)
    [ "$state" = starting ] && die "a dockerd runs but did not answer on $SOCKET within ${WAIT_SECONDS}s;" \
      "not starting a second one. See 'systemctl status docker' or its log, or stop it and re-run make."
  fi
  if [ "$state" = none ]; then
    [ -S "$SOCKET" ] && say "no dockerd runs behind $SOCKET (a socket left by one that stopped)"
    STARTED_PID= LOG_BEFORE=0
    start_engine
    state=$(wait_for_engine "$STARTED_PID")
    case $state in
      died)
        as_root sh -c 'tail -n "+$2" "$1" | tail -n 20' sh "$DOCKERD_LOG" "$((LOG_BEFORE + 1))" >&2 || true
        die "dockerd failed to start (its last log lines are above; the whole log: $DOCKERD_LOG)" ;;
      starting|none)
        die "the Docker engine did not answer on $SOCKET within ${WAIT_SECONDS}s (dockerd's log: $DOCKERD_LOG)" ;;
    esac
  fi
  if [ "$state" = denied ]; then
    say "a Docker engine listens on $SOCKET, but $(me) may not use it"
    grant_access
    return 0
  fi
  say "Docker engine answers ($(server_version))"
}

case "${1:-}" in
  packages) cmd_packages ;;
  engine) cmd_engine ;;
  *) die "usage: $0 packages|engine" ;;
esac
