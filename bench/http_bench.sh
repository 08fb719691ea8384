#!/usr/bin/env bash
# HTTP benchmark (issue 5): wrk against `fidelis serve` on loopback, 64 connections, keep-alive,
# server and wrk sharing this machine's cores. Three runs each of:
#   ceiling: GET /healthz (a constant body answered on the HTTP threads: what HTTP alone costs)
#   member:  GET /v1/members/{each of N, shuffled} (the worker first, then the read cache on the HTTP thread)
#   events:  POST /v1/events, a new order each (group-committed, durable before the answer)
# Usage: [SERVER_THREADS=1] bench/http_bench.sh [MEMBERS] [SECONDS] (defaults 100000, 10).
# Needs wrk (scripts/deps).
set -euo pipefail
members=${1:-100000}
seconds=${2:-10}
bin=${FIDELIS_BIN:-build/bin/fidelis}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
db=$work/bench.db

"$bin" --db "$db" shop create bench >/dev/null
"$bin" --db "$db" --shop bench program activate examples/programs/basic.json >/dev/null
key=$("$bin" --db "$db" --shop bench key create --scope server --json |
  sed 's/.*"key":"\([^"]*\)".*/\1/')
# N members, one order each.
awk -v n="$members" 'BEGIN { for (i = 0; i < n; i++) printf \
  "{\"id\":\"seed-%d\",\"type\":\"order.placed\",\"member\":\"m%d\",\"occurred_at\":\"2025-03-01T10:00:00Z\",\"data\":{\"order_id\":\"seed-%d\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"unit_price\":\"19.90\"}]}}\n", i, i, i }' \
  > "$work/seed.jsonl"
"$bin" --db "$db" --shop bench ingest "$work/seed.jsonl" >/dev/null

"$bin" --db "$db" serve --listen 127.0.0.1:0 --threads "${SERVER_THREADS:-1}" --quiet > "$work/serve.out" &
server=$!
until grep -q listening "$work/serve.out" 2>/dev/null; do sleep 0.1; done
url=$(sed 's/listening on //' "$work/serve.out")

# Every member once, in a random order, formatted before the run: wrk shares the cores with the
# server, so formatting each request in Lua while timing would take CPU from the server.
cat > "$work/member.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $key"
local requests = {}
local next_request = 0
init = function(args)
  local order = {}
  for i = 1, $members do order[i] = i - 1 end
  for i = $members, 2, -1 do
    local j = math.random(1, i)
    order[i], order[j] = order[j], order[i]
  end
  for i = 1, $members do requests[i] = wrk.format("GET", "/v1/members/m" .. order[i]) end
end
request = function()
  next_request = next_request % $members + 1
  return requests[next_request]
end
LUA
cat > "$work/events.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $key"
wrk.headers["Content-Type"] = "application/json"
local thread_id = 0
local counter = 0
setup = function(thread) thread:set("prefix", "t" .. thread_id .. "-"); thread_id = thread_id + 1 end
request = function()
  counter = counter + 1
  local id = "b-" .. prefix .. counter
  local body = '{"id":"' .. id .. '","type":"order.placed","member":"m' .. (counter % $members) ..
    '","occurred_at":"2025-03-02T10:00:00Z","data":{"order_id":"' .. id ..
    '","currency":"EUR","lines":[{"sku":"A","quantity":1,"unit_price":"19.90"}]}}'
  return wrk.format("POST", "/v1/events", nil, body)
end
LUA

run() {  # NAME, then wrk arguments
  local name=$1; shift
  for i in 1 2 3; do
    wrk -t1 -c64 -d"${seconds}s" --latency "$@" > "$work/wrk.txt"
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' "$work/wrk.txt" | tr '\n' ' ')
    echo "$name run $i: $rps req/s, p99 $p99 $errors"
  done
}
run ceiling "$url/healthz"
run member -s "$work/member.lua" "$url"
run events -s "$work/events.lua" "$url"
