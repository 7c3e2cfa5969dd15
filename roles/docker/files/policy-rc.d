#!/bin/sh
# Written by dockyard.lab.docker for the length of Docker's first install, and removed after
# it: the package must not start dockerd with its defaults, the role starts it once, configured.
# Every other service of the install starts as usual (0). Arguments: [--quiet] <unit or
# init script> <action> [<runlevel>] (deb-systemd-invoke and invoke-rc.d).
for arg in "$@"; do
  case "$arg" in
    docker | docker.service | docker.socket) exit 101 ;;
  esac
done
exit 0
