#!/usr/bin/env bash
# Load test of `seglab serve` on loopback (README "HTTP API"): throughput and latency of
# POST /runs/{id}/assign with 1 and 1,000 customers per request, against the K-Means run of
# benchmarks/serve_load_100k.json (100,000 customers), without and then with a grid
# (experiments/quickstart.json, --force) writing to the same ledger.
#
#   bash benchmarks/serve_load.sh [SECONDS_PER_CASE (default 20)] [CONNECTIONS (default 8)]
#
# Needs a release build (`swift build -c release`) and wrk (`apt-get install wrk`). Every
# request goes to 127.0.0.1; each wrk run is bounded by its duration; the server and the grid
# are stopped before the script ends. Work files go to a temporary folder, removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
connections=${2:-8}
seglab=$PWD/.build/release/seglab
[[ -x $seglab ]] || { echo "build first: swift build -c release" >&2; exit 2; }
command -v wrk >/dev/null || { echo "install wrk first: apt-get install wrk" >&2; exit 2; }

work=$(mktemp -d)
server=""; grid=""
cleanup() {
    # The grid loop stops at the stop file; its current `seglab run` is interrupted (SIGTERM).
    if [[ -n $grid ]]; then touch "$work/stop"; pkill -TERM -P "$grid" 2>/dev/null || true; wait "$grid" 2>/dev/null || true; fi
    [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cp benchmarks/serve_load_100k.json experiments/quickstart.json "$work/"
cd "$work"

echo "== fitting the 100,000-customer K-Means run" >&2
"$seglab" run serve_load_100k.json 2>/dev/null
run=$("$seglab" runs --experiment serve-load-100k --format csv | sed -n 2p | cut -d, -f1)
"$seglab" features serve_load_100k.json --set behaviour --raw --out customers.csv 2>/dev/null
head -n 2 customers.csv > one.csv
head -n 1001 customers.csv > thousand.csv

"$seglab" serve --port 0 2> serve.log &
server=$!
for _ in $(seq 100); do grep -q "read-only on http" serve.log && break; sleep 0.1; done
port=$(grep -o "127.0.0.1:[0-9]*" serve.log | head -n 1 | cut -d: -f2)
url="http://127.0.0.1:$port/runs/$run/assign"

# One wrk script per body: POST the file's bytes as text/csv, answer as CSV.
for body in one thousand; do
    cat > "$body.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/csv"
wrk.headers["Accept"] = "text/csv"
local f = io.open("$work/$body.csv", "rb"); wrk.body = f:read("*a"); f:close()
LUA
done

measure() {   # label, body
    curl -sf -o /dev/null -H "Content-Type: text/csv" --data-binary "@$2.csv" "$url"   # loads the model once
    local out; out=$(wrk -t 2 -c "$connections" -d "${seconds}s" --latency -s "$2.lua" "$url")
    local rps p50 p99 non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    printf "| %s | %s | %s | %s | %s |\n" "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

echo "load before: $(uptime)" >&2
echo "| case | requests/s | p50 | p99 | non-2xx |"
echo "| --- | ---: | ---: | ---: | ---: |"
measure "1 customer per request" one
measure "1,000 customers per request" thousand
# The same with a grid writing to the ledger: the quickstart (28 runs), forced, again and
# again until the measurements end.
( while [[ ! -e stop ]]; do "$seglab" run quickstart.json --force >/dev/null 2>&1 || true; done ) &
grid=$!
sleep 2
measure "1 customer, grid running" one
measure "1,000 customers, grid running" thousand
echo "load after: $(uptime)" >&2
# What the grid wrote meanwhile (each pass records 28 runs `completed` again).
echo "grid runs recorded during the measurements: $(sqlite3 results/ledger.sqlite \
    "SELECT count(*) FROM run_events e JOIN runs r ON r.id = e.run_id WHERE r.experiment = 'quickstart' AND e.event = 'completed'" 2>/dev/null || echo "? (sqlite3 not installed)")" >&2
