#!/bin/bash
# Entrypoint of the local mariadb:10.11 stand-in. On an empty datadir it creates the system
# tables, gives root (localhost and '%', so other containers reach it over TCP) the password
# from MARIADB_ROOT_PASSWORD / MYSQL_ROOT_PASSWORD, or none with
# MARIADB_ALLOW_EMPTY_ROOT_PASSWORD / MYSQL_ALLOW_EMPTY_PASSWORD, creates MARIADB_DATABASE /
# MYSQL_DATABASE and MARIADB_USER / MARIADB_PASSWORD (MYSQL_USER / MYSQL_PASSWORD), a
# `healthcheck` user for healthcheck.sh, and runs /docker-entrypoint-initdb.d/*.sql|*.sh.
set -Eeuo pipefail

env_of() { # first non-empty of MARIADB_<name> and MYSQL_<name>
  local m="MARIADB_$1" y="MYSQL_$1"
  printf '%s' "${!m:-${!y:-}}"
}
sql_string() { local s=${1//\\/\\\\}; s=${s//\'/\\\'}; printf "'%s'" "$s"; }
sql_ident() { printf '`%s`' "${1//\`/\`\`}"; }

if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi
case "$1" in mariadbd | mysqld) server=1 ;; *) server=0 ;; esac

if [ "$server" = 1 ] && [ "$(id -u)" = '0' ]; then
  chown mysql:mysql /var/lib/mysql /run/mysqld
  exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [ "$server" = 1 ] && [ ! -d /var/lib/mysql/mysql ]; then
  root_password=$(env_of ROOT_PASSWORD)
  allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
  if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
    echo 'error: the database is uninitialised and no root password option is set;' >&2
    echo '       set MARIADB_ROOT_PASSWORD, or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1 for a root without password.' >&2
    exit 1
  fi
  database=$(env_of DATABASE)
  user=$(env_of USER)
  password=$(env_of PASSWORD)

  mariadb-install-db --datadir=/var/lib/mysql --auth-root-authentication-method=normal \
    --skip-test-db --skip-name-resolve --cross-bootstrap >/dev/null
  socket=/run/mysqld/mysqld.sock
  "$@" --skip-networking --socket="$socket" &
  pid=$!
  for _ in $(seq 1 60); do
    mariadb-admin --socket="$socket" -uroot ping >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { echo 'error: mariadbd exited during initialisation' >&2; exit 1; }
    sleep 1
  done
  client=(mariadb --protocol=socket --socket="$socket" -uroot --binary-mode)

  hc_password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  {
    echo 'SET @@SESSION.SQL_LOG_BIN=0;'
    echo "DROP USER IF EXISTS ''@'localhost', 'root'@'127.0.0.1', 'root'@'::1';"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $(sql_string "$root_password");"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $(sql_string "$root_password");"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    echo "GRANT PROXY ON ''@'%' TO 'root'@'%' WITH GRANT OPTION;"
    for host in 127.0.0.1 ::1 localhost; do
      echo "CREATE USER 'healthcheck'@'$host' IDENTIFIED BY $(sql_string "$hc_password");"
      echo "GRANT USAGE ON *.* TO 'healthcheck'@'$host';"
    done
    if [ -n "$database" ]; then
      echo "CREATE DATABASE IF NOT EXISTS $(sql_ident "$database");"
    fi
    if [ -n "$user" ]; then
      echo "CREATE USER $(sql_string "$user")@'%' IDENTIFIED BY $(sql_string "$password");"
      [ -n "$database" ] && echo "GRANT ALL ON $(sql_ident "$database").* TO $(sql_string "$user")@'%';"
    fi
    echo 'FLUSH PRIVILEGES;'
  } | "${client[@]}"
  printf '[mariadb-client]\nport=3306\nsocket=%s\nuser=healthcheck\npassword=%s\n' "$socket" "$hc_password" \
    >/var/lib/mysql/.my-healthcheck.cnf
  chmod 0600 /var/lib/mysql/.my-healthcheck.cnf

  [ -n "$root_password" ] && client+=("-p$root_password")
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "running $f"; . "$f" ;;
      *.sql) echo "running $f"; "${client[@]}" ${database:+"$database"} <"$f" ;;
      *) ;;
    esac
  done

  mariadb-admin --socket="$socket" -uroot ${root_password:+"-p$root_password"} shutdown
  wait "$pid" || true
  echo "MariaDB initialised: database ${database:-(none)}, root over TCP $([ -n "$root_password" ] && echo 'with a password' || echo 'without a password')"
fi

exec "$@"
