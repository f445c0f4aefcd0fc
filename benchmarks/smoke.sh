#!/usr/bin/env bash
# Every benchmark script once, at a tiny size: seconds, not figures. It runs in
# CI so that a renamed helper or a changed option fails there, not in the hands
# of the next person who wants to measure. The figures it prints mean nothing.
#
#   bash benchmarks/smoke.sh            (from the project root, after the install)
#
# Needs wrk (the HTTP scenarios), wordfreq (the catalogue generator's
# vocabulary: installed here into the project's environment when missing) and,
# for the GTFS comparison, gtfs-guru in the project's environment (the test
# extras). Every script runs on a throw-away SQLite file, but the load and
# fault benchmark, which runs production's processes on PostgreSQL: it runs
# when BENCH_DATABASE_URL names a PostgreSQL server (a database is created on
# it and dropped) and redis-server is installed; it takes ports of
# BENCH_LOAD_PORTS (first-last).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
WORK=$(mktemp -d -t fabrique-bench-smoke-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
SHARED=${FABRIQUE_SHARED_DATA:-../shared/data}
PORT=${BENCH_SMOKE_PORT:-18990}

step() { printf '\n--- benchmark smoke: %s ---\n' "$*"; }

# The catalogue generator draws its words from wordfreq (benchmark
# environment only, never a dependency of the product).
"$PY" -c "import wordfreq" 2>/dev/null || "$PY" -m pip install -q wordfreq

step "catalogue: prepare, cost, first visits, cold search latency"
CAT="sqlite:///$WORK/catalogue.sqlite3"
"$PY" benchmarks/catalogue/load.py prepare --database "$CAT" --commons 60 --actors 20
"$PY" benchmarks/catalogue/load.py cost --database "$CAT" --requests 2
"$PY" benchmarks/catalogue/first_visit.py --database "$CAT" --pages 5 --warmup 2 \
    --profile 3 --top 3 --json "$WORK/first_visit.json"
"$PY" benchmarks/catalogue/search_latency.py --database "$CAT" --queries 40 \
    --warmup 5 --maintenance both --json "$WORK/search.json"
step "catalogue: the production server under wrk"
"$PY" benchmarks/catalogue/load.py run --database "$CAT" --duration 1 --warmup 0 \
    --port "$PORT" --only "search, cold" --json "$WORK/load.json"

step "ecosystem: generate, cost, the server under wrk"
ECO="sqlite:///$WORK/ecosystem.sqlite3"
"$PY" benchmarks/ecosystem/generate.py --database "$ECO" --commons 50 --actors 20 \
    --challenges 5 --contributions 100
"$PY" benchmarks/ecosystem/load.py cost --database "$ECO" --requests 2
"$PY" benchmarks/ecosystem/load.py run --database "$ECO" --duration 1 --warmup 0 \
    --port "$PORT" --json "$WORK/eco.json"

FEED="$SHARED/gtfs/transport_site_tiny.zip"
if [ -f "$FEED" ]; then
  step "gtfs: a bigger feed by replication, departures, the side-by-side run"
  "$PY" benchmarks/gtfs/build_x8.py --copies 2 "$FEED" "$WORK/x2.zip"
  "$PY" benchmarks/gtfs/departures.py "$WORK/x2.zip" --work "$WORK/departures" \
      --pairs 5 --rounds 1 --duration 1 --warmup 0 --json "$WORK/departures.json"
  "$PY" benchmarks/gtfs/compare.py --peers-python "$PY" --data "$SHARED/gtfs" \
      --feeds transport_site_tiny.zip --tools fabrique fabrique-ingest gtfs-guru \
      --runs 1 --out "$WORK/compare"
  step "gtfs: generated feeds, Fabrique against gtfs-guru"
  mkdir -p "$WORK/gtfs-tiny" && cp "$FEED" "$WORK/gtfs-tiny/"
  "$PY" benchmarks/gtfs/differential.py --examples 3 --shared "$WORK/gtfs-tiny"
  step "gtfs-rt: per-fetch validation against a stored feed"
  "$PY" benchmarks/gtfs/realtime.py "$FEED" --copies 2 --work "$WORK/realtime" \
      --trips 5 --fetches 2 --json "$WORK/realtime.json"
else
  echo "skipped the GTFS benchmarks: $FEED not found (the shared data folder)"
fi

if [ -n "${BENCH_DATABASE_URL:-}" ] && command -v redis-server >/dev/null; then
  step "load: fabrique serve and fabrique worker under wrk, one cheap fault"
  "$PY" benchmarks/load/run.py --database "$BENCH_DATABASE_URL" \
      --ports "${BENCH_LOAD_PORTS:-18960-18989}" --commons 40 --seconds 3 \
      --connections 4 --writers 2 --write-seconds 2 --faults gunicorn --fault-at 1 \
      --json "$WORK/load-faults.json"
  "$PY" benchmarks/load/patch_cpu.py --database "$BENCH_DATABASE_URL" --commons 20 \
      --requests 5 --warmup 1 --profile 2 --json "$WORK/patch-cpu.json"
  "$PY" benchmarks/load/patch_cpu.py --database "$BENCH_DATABASE_URL" --commons 20 \
      --requests 4 --round 2 --warmup 1 --compare . .
else
  echo "skipped the load benchmark: no BENCH_DATABASE_URL (PostgreSQL) or redis-server"
fi

if [ -f "$SHARED/addresses/ban_adresses-75.csv.gz" ]; then
  step "geocoder: quality by category, Fabrique alone, a few queries each"
  "$PY" benchmarks/geocoder/run.py --fabrique-only --per-category 4 --repeat 1 \
      --shared "$SHARED" --work "$WORK/geocoder"
  "$PY" benchmarks/geocoder/autocomplete_ambiguity.py --shared "$SHARED" \
      --work "$WORK/geocoder"
  step "geocoder: a CSV file geocoded in batch, then the servers under load"
  "$PY" benchmarks/geocoder/csv_batch.py --shared "$SHARED" --work "$WORK/geocoder" \
      --rows 50 --repeat 1
  "$PY" benchmarks/geocoder/http_load.py --work "$WORK/geocoder" --seconds 1 \
      --queries 2 --servers portal,geocoder --no-django \
      --ports "$PORT-$((PORT + 5))"
  "$PY" benchmarks/geocoder/scale.py --shared "$SHARED" --work "$WORK/scale" \
      --rows 300 --sample 50
  "$PY" benchmarks/geocoder/layers.py --work "$WORK/geocoder" --repeat 1
else
  echo "skipped the geocoder quality run: no $SHARED/addresses"
fi

# Addok, the geocoder's peer, in a virtualenv of its own (pinned in
# benchmarks/geocoder/addok-requirements.txt; ADDOK_PYTHON reuses one), on
# two Redis databases of its own (BENCH_ADDOK_REDIS_DB and the next, which
# `addok reset` empties).
ADDOK_DB=${BENCH_ADDOK_REDIS_DB:-10}
if [ -f "$SHARED/addresses/ban_adresses-75.csv.gz" ] \
    && redis-cli -p 6379 ping >/dev/null 2>&1; then
  step "geocoder: Addok's side, installed in its own virtualenv"
  ADDOK_PY=${ADDOK_PYTHON:-}
  if [ -z "$ADDOK_PY" ]; then
    ADDOK_VENV=.cache/addok-venv
    [ -x "$ADDOK_VENV/bin/python" ] || "${ADDOK_BASE_PYTHON:-python3.11}" -m venv "$ADDOK_VENV"
    "$ADDOK_VENV/bin/pip" install -q -r benchmarks/geocoder/addok-requirements.txt
    ADDOK_PY=$ADDOK_VENV/bin/python
  fi
  step "geocoder: quality side by side with Addok, a few queries each"
  "$PY" benchmarks/geocoder/run.py --addok-python "$ADDOK_PY" --per-category 4 \
      --repeat 1 --redis-db "$ADDOK_DB" --redis-db-documents "$ADDOK_DB" \
      --shared "$SHARED" --work "$WORK/geocoder-addok"
  step "geocoder: batch CSV, HTTP and scale side by side with Addok"
  "$PY" benchmarks/geocoder/csv_batch.py --shared "$SHARED" --work "$WORK/geocoder-addok" \
      --rows 50 --repeat 1 --addok-python "$ADDOK_PY" --redis-db "$ADDOK_DB" \
      --redis-db-documents "$ADDOK_DB" --port "$((PORT + 6))"
  "$PY" benchmarks/geocoder/http_load.py --work "$WORK/geocoder-addok" --seconds 1 \
      --queries 2 --servers geocoder,addok --addok-python "$ADDOK_PY" \
      --redis-db "$ADDOK_DB" --ports "$((PORT + 7))-$((PORT + 12))"
  "$PY" benchmarks/geocoder/scale.py --shared "$SHARED" --work "$WORK/scale-addok" \
      --rows 300 --sample 50 --factors 1,2 --addok-python "$ADDOK_PY" \
      --redis-db "$ADDOK_DB"
  step "geocoder: Addok's answers recorded as the compatibility test's fixtures are"
  RECORD="$WORK/addok-record"
  mkdir -p "$RECORD" && cp tests/data/geocoder/ban_sample.csv "$RECORD/"
  "$PY" benchmarks/geocoder/addok_feed.py "$RECORD/feed.json" "ban:$RECORD/ban_sample.csv"
  (
    export ADDOK_CONFIG_MODULE="$PWD/benchmarks/geocoder/addok_conf.py" \
      REDIS_HOST=127.0.0.1 REDIS_PORT=6379 REDIS_DB_INDEXES="$((ADDOK_DB + 1))" \
      REDIS_DB_DOCUMENTS="$((ADDOK_DB + 1))"
    ADDOK=$(dirname "$ADDOK_PY")/addok
    "$ADDOK" reset --force >/dev/null 2>&1
    "$ADDOK" batch "$RECORD/feed.json" >/dev/null 2>&1
    "$ADDOK" ngrams >/dev/null 2>&1
    "$ADDOK_PY" benchmarks/geocoder/record_addok.py "$RECORD" 2>/dev/null
  )
  "$PY" - "$RECORD/addok_recorded.json" tests/data/geocoder/addok_recorded.json <<'PYEOF'
import json, sys
fresh, kept = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:])
paths = lambda r: [a["path"] for a in r["answers"]]
assert paths(fresh) == paths(kept), "the recorder's queries changed: record again"
assert [c["name"] for c in fresh["csv"]] == [c["name"] for c in kept["csv"]]
print(f"recorded {len(fresh['answers'])} answers and {len(fresh['csv'])} CSV files")
PYEOF
else
  echo "skipped Addok's side: no $SHARED/addresses or no Redis on 127.0.0.1:6379"
fi

step "standards: DCAT-AP page, export and SHACL"
"$PY" benchmarks/standards/dcat_export.py --commons 1200 --page-runs 2 --shacl-runs 1 \
    --workers 2 \
    --standards "${FABRIQUE_STANDARDS_DIR:-../shared/data/standards}" \
    --json "$WORK/dcat.json"

step "standards: the DCAT-AP catalogue page as served"
DATABASE_URL="sqlite:///$WORK/catalogue-view.sqlite3" \
  "$PY" benchmarks/standards/catalogue_view.py --commons 50 --runs 3

step "netex: validate a replicated file"
"$PY" benchmarks/netex/validate_large.py --mb 0.2 --xsd-dir "${NETEX_XSD_DIR:-}"

step "vehicles: checker and completion on a generated catalogue"
"$PY" benchmarks/vehicles/check_complete.py --modules 40 --interfaces 12 --size 6 \
    --runs 3 --queries 2 --json "$WORK/vehicles.json"

step "badges: Open Badges 3.0 signing and verification"
"$PY" benchmarks/badges/sign_verify.py --count 5 --json "$WORK/badges.json"

step "network: a whole instance harvested, then one per cent of it"
"$PY" benchmarks/network/harvest.py --count 40 --percent 10 --port "$PORT" \
    --json "$WORK/network.json"

echo
echo "benchmark smoke: every script ran"
