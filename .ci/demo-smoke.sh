#!/usr/bin/env bash
# Start `make demo` like a newcomer (embedded PostgreSQL), fetch the key URLs, stop it
# with Ctrl-C (SIGINT to the process group), and check the embedded database stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${DEMO_PORT:-8765}
base="http://127.0.0.1:${port}"
log=$(mktemp)

make demo DEMO_ARGS="--no-serve"          # first run: install, migrate, seed
set -m                                    # own process group, as a terminal would give
make demo DEMO_ARGS="--port ${port}" >"$log" 2>&1 &   # second run must work too
pid=$!
set +m
cleanup() { kill -INT -- "-${pid}" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 180); do
  curl -fs -o /dev/null "${base}/" && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "demo exited early"; exit 1; fi
  sleep 1
done
grep -q "Demo logins" "$log" || { cat "$log"; echo "no demo logins printed"; exit 1; }
grep -q "Periodic jobs" "$log" || { cat "$log"; echo "no periodic jobs started"; exit 1; }
grep -q "${base}/graphql/" "$log" || { cat "$log"; echo "the public URL does not follow --port"; exit 1; }
# Each body is read whole before grep looks at it: `curl | grep -q` lets grep close the pipe
# at its first match while curl still writes, and curl then fails with exit 23 under pipefail.
body=$(curl -fsS "${base}/"); grep -q "<html" <<<"$body"
body=$(curl -fsS "${base}/.well-known/jwks.json"); grep -q '"kty": *"RSA"' <<<"$body"
body=$(curl -fsS -H 'Content-Type: application/json' \
  -d '{"query":"{ shop { name } towns(first: 5) { totalCount } }"}' "${base}/graphql/")
grep -q '"totalCount": *5' <<<"$body"
body=$(curl -fsS -H 'Accept: text/html' "${base}/graphql/"); grep -qi "graphiql" <<<"$body"
echo "demo answered /, /graphql/ and /.well-known/jwks.json"

kill -INT -- "-${pid}"
trap - EXIT
for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$pid" 2>/dev/null; then echo "demo did not stop on Ctrl-C"; exit 1; fi
sleep 2
if pgrep -f "$(pwd)/var/pgdata" >/dev/null; then echo "embedded PostgreSQL still running"; exit 1; fi
echo "demo stopped cleanly with the embedded PostgreSQL"
