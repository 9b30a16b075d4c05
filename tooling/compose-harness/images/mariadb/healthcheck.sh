#!/bin/bash
# A subset of the official mariadb image's healthcheck.sh, with the same command line:
#   healthcheck.sh [--su-mysql] [--defaults-file=F] [--connect] [--innodb_initialized] [--mariadbupgrade]
# --connect             a TCP connection to localhost:3306 can be made (an access-denied answer counts:
#                       the server is up)
# --innodb_initialized  the InnoDB engine is available (needs the `healthcheck` user the entrypoint made)
# --mariadbupgrade      accepted for compatibility; nothing to check on a fresh stand-in
# Exits 0 when every test passes, 1 with a message for the first that fails.
set -uo pipefail

defaults=/var/lib/mysql/.my-healthcheck.cnf
tests=()
for arg in "$@"; do
  case "$arg" in
    --su-mysql | --no-defaults | --mariadbupgrade) ;;
    --defaults-file=*) defaults=${arg#*=} ;;
    --defaults-extra-file=*) defaults=${arg#*=} ;;
    --connect | --innodb_initialized) tests+=("${arg#--}") ;;
    --*) echo "healthcheck.sh: unsupported option $arg" >&2; exit 2 ;;
    *) echo "healthcheck.sh: unexpected argument $arg" >&2; exit 2 ;;
  esac
done
[ "${#tests[@]}" -gt 0 ] || { echo 'healthcheck.sh: name at least one test, e.g. --connect' >&2; exit 2; }

client() {
  local opts=()
  [ -r "$defaults" ] && opts+=("--defaults-extra-file=$defaults")
  mariadb "${opts[@]}" --skip-ssl "$@"
}

for t in "${tests[@]}"; do
  case "$t" in
    connect)
      out=$(client -h 127.0.0.1 --protocol=tcp --connect-timeout=2 -e 'SELECT 1' 2>&1)
      if grep -qF "Can't connect" <<<"$out"; then echo "healthcheck connect failed: $out" >&2; exit 1; fi
      ;;
    innodb_initialized)
      out=$(client --protocol=socket --skip-column-names -e \
        "SELECT 1 FROM information_schema.ENGINES WHERE engine='innodb' AND support IN ('YES','DEFAULT','ENABLED')" 2>&1)
      if [ "$out" != 1 ]; then echo "healthcheck innodb_initialized failed: ${out:-InnoDB not available}" >&2; exit 1; fi
      ;;
  esac
done
exit 0
