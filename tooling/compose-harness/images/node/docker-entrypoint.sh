#!/bin/sh
# Same behaviour as the official node image: `docker run IMAGE --version` runs `node --version`,
# and a first argument that is not a command on PATH is handed to node.
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
