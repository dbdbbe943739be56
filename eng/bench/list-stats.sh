#!/usr/bin/env bash
# list/stats benchmark (not part of the tests): `s3lo list` and `s3lo stats` on a Ceph bucket of
# 10,000 tags written straight to the S3 API by eng/bench/clean-bucket.py (the clean benchmark's bucket).
# Aim: `list` (text) in at most 10 s.
#
#   eng/bench/list-stats.sh [--tags N] [--blobs N] [--seed S] [--time-limit S] [--keep]
#
#   --tags N           tags to write (default 10000)
#   --blobs N          blobs to write (default 20000; the rest beyond what tags reach are orphans)
#   --seed S           generator seed (default 1)
#   --time-limit S     aim for `list`, wall seconds (default 10)
#   --keep             keep the bucket and the temp dir
#
# Runs, each under GNU /usr/bin/time -v, one table row each (wall seconds, peak RSS):
#   list#1..3        list s3://B/                 36 prefix listings of manifests/ at once
#   list-flat#1..3   same, S3LO_BENCH_FLAT_LISTING=1: one flat listing of manifests/ (the comparison;
#                    three alternating rounds of the two)
#   list-json        list --output json           plus one GET per tag (digest, pushedAt)
#   stats            stats --output json          listings, then every tag's manifests
# Every run's output is checked against the generator's plan: the tag lines, every digest, and the
# stats numbers (tags, images, blobs, referenced, logical, stored, unreferenced).
#
# Needs Ceph (eng/services.sh start s3), python3 with boto3 and GNU time (eng/services.sh install
# bench), and $S3LO_BINARY or artifacts/linux-x64/s3lo. Exits 1 on any FAIL, 2 on a usage error.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GEN=$ROOT/eng/bench/clean-bucket.py
TAGS=10000 BLOBS=20000 SEED=1 TIME_LIMIT=10 KEEP=0
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --tags) TAGS=${2:?}; shift 2 ;;
    --blobs) BLOBS=${2:?}; shift 2 ;;
    --seed) SEED=${2:?}; shift 2 ;;
    --time-limit) TIME_LIMIT=${2:?}; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "list-stats: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
case "$TAGS$BLOBS$SEED$TIME_LIMIT" in
  *[!0-9]*) echo "list-stats: --tags, --blobs, --seed and --time-limit take whole numbers" >&2; exit 2 ;;
esac
[ "$TAGS" -ge 1 ] && [ "$BLOBS" -ge $((TAGS * 2)) ] || { echo "list-stats: --blobs must be at least twice --tags" >&2; exit 2; }

die() { echo "list-stats: ERROR: $*" >&2; exit 1; }
log() { echo "list-stats: $*" >&2; }

. "$ROOT/eng/bench/s3-bench-env.sh"
S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
[ -x "$S3LO" ] || die "no s3lo binary at $S3LO: run build/publish.sh or set S3LO_BINARY"
"$S3LO" stats -h >/dev/null 2>&1 || die "$S3LO has no stats command"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-liststats.XXXXXX")
BUCKET=s3lo-bench-list-$$-$RANDOM
FILLED=0
cleanup() {
  if [ "$KEEP" = 1 ]; then
    log "kept bucket $BUCKET and $TMP"
  else
    [ "$FILLED" = 0 ] || "$PY" "$GEN" remove --bucket "$BUCKET" --endpoint "$ENDPOINT" >/dev/null || log "could not remove bucket $BUCKET"
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "filling s3://$BUCKET at $ENDPOINT: $TAGS tags, $BLOBS blobs (seed $SEED)"
FILLED=1
"$PY" "$GEN" fill --bucket "$BUCKET" --endpoint "$ENDPOINT" --tags "$TAGS" --blobs "$BLOBS" --seed "$SEED" \
  --plan "$TMP/plan.json" >&2 || die "filling the bucket failed"

# What each run must print, from the plan: check NAME OUTPUT → "" or the first difference.
check() {
  "$PY" - "$TMP/plan.json" "$1" "$2" <<'PY'
import json, sys
plan, name, out = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
tags = plan["tags"]
blobs = plan["blobs"]
text = open(out).read()
if name in ("list", "list-flat"):
    want = sorted(f"{t['image']}:{t['tag']}" for t in tags)
    got = text.splitlines()
    if got != want:
        print(f"{len(got)} lines, expected {len(want)}" if len(got) != len(want) else "lines differ from the plan")
elif name == "list-json":
    got = {(e["image"], e["tag"]): e["digest"] for e in json.loads(text)}
    want = {(t["image"], t["tag"]): t["digest"] for t in tags}
    if got != want:
        print(f"{sum(got.get(k) != v for k, v in want.items())} of {len(want)} tags without the plan's digest")
else:
    s = json.loads(text)
    reached = set().union(*(t["blobs"] for t in tags))
    want = {"tags": len(tags), "images": len({t["image"] for t in tags}), "blobs": len(blobs),
            "referencedBlobs": len(reached), "missingBlobs": 0,
            "logicalBytes": sum(t["size"] + sum(blobs[h][0] for h in t["blobs"]) for t in tags),
            "storedBytes": sum(b[0] for b in blobs.values()),
            "unreferencedBlobs": len(blobs) - len(reached),
            "unreferencedBytes": sum(b[0] for h, b in blobs.items() if h not in reached)}
    bad = [f"{k} {s.get(k)} != {v}" for k, v in want.items() if s.get(k) != v]
    print("; ".join(bad))
PY
}

fail=0
rows=()
wall_seconds() {
  sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
run() { # run NAME LIMITED(1|0) ENV ARGS...
  local name=$1 limited=$2 env=$3; shift 3
  local out=$TMP/$name.out err=$TMP/$name.err tv=$TMP/$name.time rc=0
  env $env /usr/bin/time -v -o "$tv" "$S3LO" "$@" --endpoint "$ENDPOINT" >"$out" 2>"$err" || rc=$?
  local secs rss_kb rss_mb problems=() diff
  secs=$(wall_seconds "$tv")
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv")
  rss_mb=$(awk -v k="${rss_kb:-0}" 'BEGIN { printf "%.1f", k / 1024 }')
  [ "$rc" = 0 ] || problems+=("exit $rc: $(head -n 1 "$err")")
  diff=$(check "${name%%#*}" "$out" 2>&1) || problems+=("check failed: $diff")
  [ -z "$diff" ] || problems+=("$diff")
  [ "$limited" = 0 ] || awk -v s="$secs" -v l="$TIME_LIMIT" 'BEGIN { exit !(s <= l) }' || problems+=("not within $TIME_LIMIT s")
  local verdict=PASS; [ ${#problems[@]} = 0 ] || { verdict=FAIL; fail=1; }
  rows+=("$(printf '%-5s %-14s %8s s %8s MB  %s' "$verdict" "$name" "$secs" "$rss_mb" "s3lo $*")")
  local p; for p in "${problems[@]}"; do rows+=("      - $p"); done
}

# Three rounds, alternating, so neither way of listing always meets a cold or a warm server.
for round in 1 2 3; do
  run "list#$round" 1 S3LO_BENCH_FLAT_LISTING=0 list "s3://$BUCKET/"
  run "list-flat#$round" 1 S3LO_BENCH_FLAT_LISTING=1 list "s3://$BUCKET/"
done
run list-json 0 S3LO_BENCH_FLAT_LISTING=0 list "s3://$BUCKET/" --output json
run stats 0 S3LO_BENCH_FLAT_LISTING=0 stats "s3://$BUCKET/" --output json

echo "list/stats bench: $TAGS tags, $("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["blobs"]))' "$TMP/plan.json") blobs on Ceph RGW ($ENDPOINT), $(nproc) cores, $("$S3LO" --version 2>&1 | head -n 1)"
echo "aim: list <= $TIME_LIMIT s"
printf '%-5s %-14s %10s %11s  %s\n' RESULT RUN WALL "PEAK RSS" COMMAND
printf '%s\n' "${rows[@]}"
echo "list/stats bench: $([ "$fail" = 0 ] && echo PASS || echo FAIL)"
exit $fail
