#!/bin/sh
# docker-compose.yml, service `postgres`: let the `db-replica` service stream from this primary.
# Run once by the postgres image when it creates the data folder (/docker-entrypoint-initdb.d); on a data
# folder made before, add the same line to pg_hba.conf by hand and reload. wal_level=replica and
# max_wal_senders are PostgreSQL's defaults.
set -eu
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "${PGDATA}/pg_hba.conf"
