#!/usr/bin/env bash
# Main-text extraction, ours (ingest/examples/maintext.rs) against trafilatura, on the
# Article Extraction Benchmark pages (181) and on our saved-shape fixture pages.
# Both run pinned to one core; only extraction (parsing included) is timed.
# Usage: bash bench/maintext.sh [AEB_DIR]   (default /work/shared/bench/aeb, or $AEB_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."

AEB="${1:-${AEB_DIR:-/work/shared/bench/aeb}}"
OUT="${OUT_DIR:-target/bench-maintext}"
CORE="${BENCH_CORE:-1}"
mkdir -p "$OUT"

if [ ! -x .venv-bench/bin/python ] || ! .venv-bench/bin/python -c 'import trafilatura' 2>/dev/null; then
    python3 -m venv .venv-bench
    .venv-bench/bin/pip install -q trafilatura lxml_html_clean
fi
PY=.venv-bench/bin/python

cargo build --release -q -p cdmo-ingest --example maintext
BIN=target/release/examples/maintext

pin() { if command -v taskset >/dev/null; then taskset -c "$CORE" "$@"; else "$@"; fi; }

ours=$(pin "$BIN" "$AEB/html" "$OUT/ours.json")
theirs=$(pin "$PY" bench/trafilatura_maintext.py "$AEB/html" "$OUT/trafilatura.json")
ours_dps=$(sed -E 's/.*: ([0-9.]+) docs\/s/\1/' <<<"$ours")
theirs_dps=$(sed -E 's/.*: ([0-9.]+) docs\/s/\1/' <<<"$theirs")

ours_score=$($PY bench/score_maintext.py "$AEB/ground-truth.json" "$OUT/ours.json" --json)
theirs_score=$($PY bench/score_maintext.py "$AEB/ground-truth.json" "$OUT/trafilatura.json" --json)

$PY - "$ours_score" "$theirs_score" "$ours_dps" "$theirs_dps" <<'PYEOF'
import json, sys
o, t = json.loads(sys.argv[1]), json.loads(sys.argv[2])
od, td = float(sys.argv[3]), float(sys.argv[4])
print(f"AEB, {o['pages']} pages, one core")
print(f"{'':12} {'ours':>8} {'trafilatura':>12} {'ratio':>7}")
for k in ("f1", "precision", "recall"):
    print(f"{k:12} {o[k]:8.3f} {t[k]:12.3f} {o[k] / t[k] if t[k] else 0:7.3f}")
print(f"{'docs/s':12} {od:8.0f} {td:12.0f} {od / td if td else 0:7.1f}x")
PYEOF

# Our own saved-shape pages: NAME.html with NAME.expected.txt beside it.
FIX=tests/fixtures/pages
if ls "$FIX"/*.expected.txt >/dev/null 2>&1; then
    $PY - "$FIX" "$OUT/fixtures-truth.json" <<'PYEOF'
import json, os, sys
d = sys.argv[1]
truth = {n[:-len(".expected.txt")]: open(os.path.join(d, n), encoding="utf-8").read()
         for n in sorted(os.listdir(d)) if n.endswith(".expected.txt")}
json.dump(truth, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PYEOF
    "$BIN" "$FIX" "$OUT/fixtures-ours.json" >/dev/null
    printf 'saved-shape fixtures (%s): ours ' "$FIX"
    $PY bench/score_maintext.py "$OUT/fixtures-truth.json" "$OUT/fixtures-ours.json"
fi
