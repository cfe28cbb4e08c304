#!/bin/sh
# docker-compose.yml, service `db-replica`: a streaming standby of the `postgres` service (README, "Read
# replicas"). On first start it copies the primary with pg_basebackup -R, which writes standby.signal and
# primary_conninfo; then it runs PostgreSQL as a hot standby (read-only queries) through the image's
# own entrypoint. Later starts reuse the copy and resume streaming where they stopped.
set -eu
if [ ! -s "${PGDATA}/PG_VERSION" ]; then
  until pg_isready -h "${PRIMARY_HOST}" -U "${PRIMARY_USER}" -q; do sleep 1; done
  mkdir -p "${PGDATA}"
  chown postgres:postgres "${PGDATA}"
  chmod 700 "${PGDATA}"
  gosu postgres env PGPASSWORD="${PRIMARY_PASSWORD}" pg_basebackup -h "${PRIMARY_HOST}" -U "${PRIMARY_USER}" \
    -D "${PGDATA}" -R -X stream -c fast
fi
exec docker-entrypoint.sh postgres -c hot_standby=on
