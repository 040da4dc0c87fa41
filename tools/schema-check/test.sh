#!/usr/bin/env bash
# Self-test of .ci/schema-check's rule set, run on edited copies of the real schema: a removed
# field fails, a removed field that was @deprecated passes, an added field passes.
#
# Usage: tools/schema-check/test.sh SCHEMA   (needs SCHEMA_CHECK_NODE and SCHEMA_CHECK_INSPECTOR,
# which .ci/schema-check sets; run `.ci/schema-check` rather than this file)
set -euo pipefail
SCHEMA="${1:?usage: test.sh SCHEMA}"
: "${SCHEMA_CHECK_NODE:?run through .ci/schema-check}" "${SCHEMA_CHECK_INSPECTOR:?run through .ci/schema-check}"
WORK="$(mktemp -d -t schema-check-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

# edit SRC DST MODE: rewrite the field `city: String` of `type Organization` (with its
# description block, so that removing it leaves valid SDL): drop it, deprecate it, or add a sibling.
edit() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys
src, dst, mode = sys.argv[1:]
lines = open(src, encoding="utf-8").read().split("\n")
start = next(
    (i for i, l in enumerate(lines) if l.startswith("type Organization ") and l.endswith("{")),
    None,
)
if start is None:
    sys.exit("test.sh: `type Organization` not found; update the self-test")
end = lines.index("}", start)
hits = [i for i in range(start, end) if lines[i] == "\tcity: String"]
if len(hits) != 1:
    sys.exit("test.sh: `city: String` not found once in type Organization; update the self-test")
i = hits[0]
if mode == "remove":
    first = i
    if lines[i - 1] == '\t"""':
        first = max(j for j in range(start, i - 1) if lines[j] == '\t"""')
    del lines[first : i + 1]
elif mode == "deprecate":
    lines[i] = '\tcity: String @deprecated(reason: "Use `region`.")'
elif mode == "add":
    lines.insert(i + 1, '\t"""\n\tA field added after the release.\n\t"""\n\tcityName: String')
else:
    sys.exit(f"unknown mode {mode}")
open(dst, "w", encoding="utf-8").write("\n".join(lines))
PY
}

diff_schemas() {
  "$SCHEMA_CHECK_NODE" "$SCHEMA_CHECK_INSPECTOR" diff "$1" "$2" --rule suppressRemovalOfDeprecatedField >"$WORK/out" 2>&1
}

FAILED=0
expect() { # expect pass|fail NAME OLD NEW [TEXT the output must contain]
  local want="$1" name="$2" got
  if diff_schemas "$3" "$4"; then got=pass; else got=fail; fi
  if [ "$got" != "$want" ]; then
    echo "not ok - $name: expected $want, got $got"; sed 's/^/    /' "$WORK/out"; FAILED=1; return
  fi
  if [ -n "${5:-}" ] && ! grep -qF -- "$5" "$WORK/out"; then
    echo "not ok - $name: output lacks \"$5\""; sed 's/^/    /' "$WORK/out"; FAILED=1; return
  fi
  echo "ok - $name"
}

edit "$SCHEMA" "$WORK/removed.graphql" remove
edit "$SCHEMA" "$WORK/deprecated.graphql" deprecate
edit "$SCHEMA" "$WORK/added.graphql" add

expect pass "an unchanged schema passes" "$SCHEMA" "$SCHEMA"
expect fail "removing a field that was not deprecated fails" \
  "$SCHEMA" "$WORK/removed.graphql" "Field city was removed from object type Organization"
expect pass "removing a field deprecated in the release passes" \
  "$WORK/deprecated.graphql" "$WORK/removed.graphql" "Field city (deprecated) was removed"
expect pass "adding a field passes" "$SCHEMA" "$WORK/added.graphql" "Field cityName was added"
expect pass "deprecating a field passes" "$SCHEMA" "$WORK/deprecated.graphql"
exit "$FAILED"
