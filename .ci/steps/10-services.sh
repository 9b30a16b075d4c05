# The machine starts PostgreSQL and MariaDB before CI; start them again if they stopped,
# and make sure the `test` databases the suites use exist.
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi
if ! mariadb-admin --protocol=tcp -h 127.0.0.1 -uroot ping >/dev/null 2>&1; then
  log "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
  for _ in $(seq 1 30); do mariadb-admin --protocol=tcp -h 127.0.0.1 -uroot ping >/dev/null 2>&1 && break; sleep 1; done
fi
