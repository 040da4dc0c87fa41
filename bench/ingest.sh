#!/usr/bin/env bash
# End-to-end web-ingest benchmark (issue 5): 2,000 generated news pages served locally,
# ingested by `cdmo-atlas ingest run` into a fresh SQLite file; prints pages/s and peak RSS.
#
# Usage: bench/ingest.sh [--pages N] [--no-build] [--no-dry-run] [--keep]
#   --pages N     pages to generate (default 2000)
#   --no-build    use target/release/cdmo-atlas as it is (default: cargo build --release -p cdmo-api)
#   --no-dry-run  skip the extra `--dry-run` pass (fetch + read + extract, no writes)
#   --keep        keep the temp dir (site, sources.toml, database, logs)
# CDMO_ATLAS_BIN=PATH benchmarks another binary (implies --no-build).
# The server runs on CPU 0 and cdmo-atlas on CPU 1 (taskset), one core each; politeness
# delays are off (per_host_delay_ms = 0, robots not read). Target: >= 300 pages/s.
set -euo pipefail

PAGES=2000
BUILD=1
DRY=1
KEEP=0
TARGET=300
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) PAGES="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --no-dry-run) DRY=0; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HERE="$ROOT/bench/ingest"
BIN="${CDMO_ATLAS_BIN:-$ROOT/target/release/cdmo-atlas}"
die() { echo "bench/ingest.sh: $*" >&2; exit 1; }

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install -y time)"
command -v taskset >/dev/null || die "taskset is missing (util-linux)"
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (server on CPU 0, cdmo-atlas on CPU 1)"
[ -n "${CDMO_ATLAS_BIN:-}" ] && BUILD=0
if [ "$BUILD" = 1 ]; then
  echo "building cdmo-atlas (release)..." >&2
  (cd "$ROOT" && cargo build --release -q -p cdmo-api) || die "cargo build failed"
fi
[ -x "$BIN" ] || die "$BIN not found (run without --no-build)"

WORK="$(mktemp -d -t cdmo-ingest-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ "$KEEP" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# A free port, chosen before the pages are built because they name their own URLs.
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"

python3 "$HERE/make_pages.py" --seeds-dir "$ROOT/seeds/eval" --out "$WORK/site" \
  --base-url "$BASE" --pages "$PAGES" >&2

taskset -c 0 python3 "$HERE/serve.py" "$WORK/site" --port "$PORT" > "$WORK/server.out" 2>&1 &
SERVER_PID=$!
for _ in $(seq 600); do
  grep -q '^listening' "$WORK/server.out" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || die "server died: $(cat "$WORK/server.out")"
  sleep 0.1
done
grep -q '^listening' "$WORK/server.out" || die "server did not start"

# Server alone, with a client on the ingest's core and as many connections as it uses.
read -r S_PAGES S_SECS S_BYTES < <(taskset -c 1 python3 "$HERE/load.py" "$BASE/sitemap.xml" --connections 8)
read -r S_PAGES S_SECS S_BYTES < <(taskset -c 1 python3 "$HERE/load.py" "$BASE/sitemap.xml" --connections 8)

cat > "$WORK/sources.toml" <<TOML
[fetch]
allow_private = true
per_host_delay_ms = 0
per_host_concurrency = 8
respect_robots = false

[[source]]
id = "bench"
kind = "sitemap"
url = "$BASE/sitemap.xml"
max_pages = 5
TOML

LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
DB="$WORK/bench.db"
# Runs one ingest; sets SECS, RSS_MB, CPU_S, LINE. $1 names the log, the rest are extra args.
run_ingest() {
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  set +e
  DATABASE_URL="sqlite://$DB" /usr/bin/time -v -o "$WORK/$name.time" \
    taskset -c 1 "$BIN" ingest run --sources "$WORK/sources.toml" --allow-private --quiet "$@" \
    > "$WORK/$name.out" 2> "$WORK/$name.err"
  local rc=$?
  set -e
  t1=$(date +%s.%N)
  SECS=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  RSS_MB=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$WORK/$name.time")
  CPU_S=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.2f", u+s}' "$WORK/$name.time")
  LINE=$(grep '^bench:' "$WORK/$name.out" || true)
  if [ $rc -ne 0 ] || [ -z "$LINE" ]; then
    echo "--- $name: exit $rc" >&2; tail -20 "$WORK/$name.out" "$WORK/$name.err" >&2
    die "$name run failed"
  fi
}
# The N in "..., N <word>" of the summary line.
count() { sed -E "s/.* ([0-9]+) $1[,) ].*/\\1/" <<<"$LINE, "; }

if [ "$DRY" = 1 ]; then
  run_ingest dry --dry-run
  [ "$(count read)" = "$PAGES" ] || die "dry run read $(count read) of $PAGES pages: $LINE"
  D_SECS=$SECS D_RSS=$RSS_MB D_CPU=$CPU_S D_LINE=$LINE
  rm -f "$DB" "$DB-wal" "$DB-shm"
fi

run_ingest first
[ "$(count new)" = "$PAGES" ] || die "expected $PAGES new articles, got: $LINE"
F_SECS=$SECS F_RSS=$RSS_MB F_CPU=$CPU_S F_LINE=$LINE
DB_MB=$(du -cm "$DB"* | awk 'END {print $1}')

run_ingest rerun
[ "$(count 'already stored')" = "$PAGES" ] || die "re-run should skip all $PAGES pages: $LINE"
[ "$(count new)" = 0 ] || die "re-run stored new articles: $LINE"
R_SECS=$SECS R_RSS=$RSS_MB R_CPU=$CPU_S R_LINE=$LINE

rate() { python3 -c "print(f'{$1 / max($2, 0.01):.0f}')"; }
row() { printf "%-24s %6s %8s %8s %9s %7s %10s  %s\n" "$@"; }
F_RATE=$(rate "$PAGES" "$F_SECS")
VERDICT=$([ "$F_RATE" -ge "$TARGET" ] && echo pass || echo FAIL)

echo
echo "cdmo-atlas ingest benchmark: $PAGES pages ($(python3 -c "import json;m=json.load(open('$WORK/site/manifest.json'));print(f\"{m['bytes']/1e6:.1f} MB, {m['min_bytes']//1000}-{m['max_bytes']//1000} KB each, from {m['articles']} eval articles\")"))"
echo "server: asyncio keep-alive on CPU 0; cdmo-atlas on CPU 1; per_host_concurrency 8, no delay, no robots"
echo "load average before the runs: $LOAD (other work on this machine skews wall-clock figures;"
echo "  pages per CPU-second of cdmo-atlas is what one uncontended core would reach at best)"
echo "server alone (Python client, 8 connections, CPU 1): $(rate "$S_PAGES" "$S_SECS") pages/s ($S_PAGES pages in ${S_SECS}s)"
echo
row "run" "pages" "seconds" "pages/s" "peak RSS" "CPU s" "pages/CPU-s" "summary"
row "ingest (fresh SQLite)" "$PAGES" "$F_SECS" "$F_RATE" "${F_RSS} MB" "$F_CPU" "$(rate "$PAGES" "$F_CPU")" "$F_LINE"
row "re-run (all stored)" "$PAGES" "$R_SECS" "$(rate "$PAGES" "$R_SECS")" "${R_RSS} MB" "$R_CPU" "$(rate "$PAGES" "$R_CPU")" "$R_LINE"
if [ "$DRY" = 1 ]; then
  row "dry run (no writes)" "$PAGES" "$D_SECS" "$(rate "$PAGES" "$D_SECS")" "${D_RSS} MB" "$D_CPU" "$(rate "$PAGES" "$D_CPU")" "$D_LINE"
fi
echo
echo "database after ingest: ${DB_MB} MB"
echo "target: >= $TARGET pages/s for the fresh ingest -> $VERDICT ($F_RATE pages/s)"
