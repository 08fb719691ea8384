#!/bin/sh
# Builds a SQLite database holding simulate_bench's shop, to time `fidelis simulate` itself (the
# store read, the parse and both runs) rather than simulate() on a memory store:
#   bench/simulate_db.sh OUT_DIR [--daily-ticks] [EVENTS MEMBERS]
# writes OUT_DIR/shop.db (shop "bench", its live program active from 2024), OUT_DIR/draft.json and
# the generated events. With --daily-ticks, the events are ingested a day at a time with a
# `fidelis tick` at each following midnight, as a daily cron job would run it, so the log holds
# the ticks a real shop's does. Then, for instance:
#   build/bin/fidelis --db OUT_DIR/shop.db --shop bench simulate --program OUT_DIR/draft.json
# Defaults: 1,000,000 events over 100,000 members. Run from the project root after a release build.
set -eu

usage() {
  echo "usage: bench/simulate_db.sh OUT_DIR [--daily-ticks] [EVENTS MEMBERS]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
out=$1
shift
daily=no
if [ $# -ge 1 ] && [ "$1" = --daily-ticks ]; then
  daily=yes
  shift
fi
events=${1:-1000000}
members=${2:-100000}
fidelis=build/bin/fidelis
if [ ! -x "$fidelis" ] || [ ! -x build/bin/simulate_bench ]; then
  echo "simulate_db.sh: build first (scripts/build release)" >&2
  exit 1
fi

mkdir -p "$out"
rm -f "$out/shop.db" "$out/shop.db-wal" "$out/shop.db-shm"
build/bin/simulate_bench --events "$events" --members "$members" --dump "$out"
db() { "$fidelis" --db "$out/shop.db" --shop bench "$@"; }
db shop create bench >/dev/null
db program activate "$out/live.json" --from 2024-01-01T00:00:00Z >/dev/null

if [ "$daily" = no ]; then
  db ingest "$out/events.jsonl" >/dev/null 2>&1 || [ $? -eq 2 ]  # 2: some spends were refused
  exit 0
fi

# One file a day of event time (the generator writes events in time order).
days=$out/days
rm -rf "$days"
mkdir -p "$days"
awk -v dir="$days" '{
  at = index($0, "\"occurred_at\":\"")
  day = substr($0, at + 15, 10)
  if (day != current) { if (current != "") close(file); current = day; file = dir "/" day ".jsonl" }
  print > file
}' "$out/events.jsonl"
for file in "$days"/*.jsonl; do
  day=$(basename "$file" .jsonl)
  db ingest "$file" >/dev/null 2>&1 || [ $? -eq 2 ]
  db tick --until "$(date -u -d "$day + 1 day" +%Y-%m-%d)T00:00:00Z" >/dev/null
done
rm -rf "$days"
