#!/bin/sh
# `docker run redis --appendonly yes` runs redis-server with those options, as the official
# image does; any other command runs as given.
set -e
case "$1" in
  -*) set -- redis-server "$@" ;;
esac
if [ "$1" = "redis-server" ]; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
exec "$@"
