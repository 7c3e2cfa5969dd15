#!/usr/bin/env bash
# The shell `make` runs every recipe line with (Makefile: SHELL := scripts/make-shell.sh).
#
# Plain bash, except for a user whom the group database puts in the `docker` group while this
# login session does not have it yet: right after scripts/bootstrap-host.sh added them (the
# session's groups are fixed at login). Then each recipe line runs under `sg docker`, so that
# everything that talks to the engine's socket directly (the docker CLI, community.docker's
# modules, Molecule, the image kit) reaches it for the rest of this make run. New shells need a
# new login for the group.
set -u
user=$(id -un)
if [ "$(id -u)" -ne 0 ] \
  && ! id -nG | tr ' ' '\n' | grep -qx docker \
  && id -nG "$user" | tr ' ' '\n' | grep -qx docker \
  && command -v sg >/dev/null 2>&1; then
  # sg takes one command string for sh -c: quote each argument for it ('...', with ' as '\'').
  line="exec /bin/bash"
  for arg in "$@"; do
    line+=" '${arg//\'/\'\\\'\'}'"
  done
  exec sg docker -c "$line"
fi
exec /bin/bash "$@"
