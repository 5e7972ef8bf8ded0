#!/bin/sh
# Like the public image: options alone run redis-server, and protected mode is off (the container
# network is the boundary; set a password with --requirepass).
set -e
case "$1" in -*) set -- redis-server "$@" ;; esac
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
exec "$@"
