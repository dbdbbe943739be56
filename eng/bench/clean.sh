#!/usr/bin/env bash
# Clean benchmark (not part of the tests): `s3lo clean` on a big bucket on Ceph — 10,000 tags and
# 50,000 blobs written straight to the S3 API by eng/bench/clean-bucket.py. Issue 10's aims: a dry
# run in under 60 s, and under 200 MB peak RSS.
#
#   eng/bench/clean.sh [--tags N] [--blobs N] [--seed S] [--keep] [--fill-only]
#
#   --tags N           tags to write (default 10000; 20 per image on average, some multi-arch)
#   --blobs N          blobs to write (default 50000; a fifth of them orphans no manifest names)
#   --seed S           generator seed (default 1): the same seed writes the same bytes
#   --time-limit S     aim for a dry run, wall seconds (default 60)
#   --rss-limit-mb M   aim for every run, peak RSS in MB (default 200)
#   --fill-only        fill the bucket, print what a clean should delete, stop (no s3lo needed);
#                      with --keep the bucket stays for runs by hand
#   --keep             keep the bucket and the temp dir (plan, JSON reports, GNU time -v output)
#
# The bucket's s3lo.yaml is `default: {lifecycle: {keep_last: 10, max_age: 90d}}`; tags were pushed
# over the last 200 days and every blob was written just now. Runs, each under GNU /usr/bin/time -v:
#   dry run          clean --output json               default grace 1h: every blob is younger, so tags only
#   dry run grace 0  clean --output json --grace 0s    what the confirm run is to delete
#   confirm          clean --confirm --grace 0s
#   dry run again    clean --output json --grace 0s    nothing left to delete
# One line per run: PASS/FAIL, wall seconds, peak RSS, the counts of the JSON report and the counts
# the generator's plan expects. After the confirm run the bucket is listed: every tag the rules keep
# still has its manifest and every blob it reaches (same MD5), every pruned tag is gone, no
# unreachable blob and no running-clean marker is left.
#
# Needs Ceph: eng/services.sh start s3 (this script starts nothing); the endpoint and keys come from
# the environment (S3LO_TEST_S3_ENDPOINT, AWS_*) or else from eng/services.sh env. The binary is
# $S3LO_BINARY or artifacts/linux-x64/s3lo; python3 with boto3 and GNU time come from
# eng/services.sh install bench. Exits 1 on any FAIL, 2 on a usage error.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
GEN=$ROOT/eng/bench/clean-bucket.py
TAGS=10000 BLOBS=50000 SEED=1 TIME_LIMIT=60 RSS_LIMIT_MB=200 FILL_ONLY=0 KEEP=0
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --tags) TAGS=${2:?}; shift 2 ;;
    --blobs) BLOBS=${2:?}; shift 2 ;;
    --seed) SEED=${2:?}; shift 2 ;;
    --time-limit) TIME_LIMIT=${2:?}; shift 2 ;;
    --rss-limit-mb) RSS_LIMIT_MB=${2:?}; shift 2 ;;
    --fill-only) FILL_ONLY=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "clean: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
case "$TAGS$BLOBS$SEED$TIME_LIMIT$RSS_LIMIT_MB" in
  *[!0-9]*) echo "clean: --tags, --blobs, --seed, --time-limit and --rss-limit-mb take whole numbers" >&2; exit 2 ;;
esac
[ "$TAGS" -ge 1 ] && [ "$BLOBS" -ge $((TAGS * 2)) ] || { echo "clean: --blobs must be at least twice --tags" >&2; exit 2; }

die() { echo "clean: ERROR: $*" >&2; exit 1; }
log() { echo "clean: $*" >&2; }

# ------------------------------------------------------------------ prerequisites
. "$ROOT/eng/bench/s3-bench-env.sh"
S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
if [ "$FILL_ONLY" = 0 ]; then
  [ -x "$S3LO" ] || die "no s3lo binary at $S3LO: run build/publish.sh or set S3LO_BINARY"
  "$S3LO" clean -h >/dev/null 2>&1 || die "$S3LO has no clean command (\`$S3LO clean -h\` fails)"
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-cleanbench.XXXXXX")
BUCKET=s3lo-bench-clean-$$-$RANDOM
FILLED=0
cleanup() {
  if [ "$KEEP" = 1 ]; then
    log "kept bucket $BUCKET and $TMP"
  else
    [ "$FILLED" = 0 ] || "$PY" "$GEN" remove --bucket "$BUCKET" --endpoint "$ENDPOINT" || log "could not remove bucket $BUCKET"
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ fill
log "filling s3://$BUCKET at $ENDPOINT: $TAGS tags, $BLOBS blobs (seed $SEED)"
FILLED=1
"$PY" "$GEN" fill --bucket "$BUCKET" --endpoint "$ENDPOINT" --tags "$TAGS" --blobs "$BLOBS" --seed "$SEED" \
  --plan "$TMP/plan.json" || die "filling the bucket failed"
if [ "$FILL_ONLY" = 1 ]; then
  echo "expected from a dry run:         $("$PY" "$GEN" expect --plan "$TMP/plan.json")"
  echo "expected with --grace 0s:        $("$PY" "$GEN" expect --plan "$TMP/plan.json" --grace-zero)"
  exit 0
fi

# ------------------------------------------------------------------ runs
fail=0
field() { sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" <<<"$2"; } # field NAME "a=1 b=2"
wall_seconds() { # the "Elapsed (wall clock) time" of GNU time -v: [h:]m:ss.ss
  sed -n 's/.*Elapsed (wall clock) time.*: //p' "$1" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }'
}
run() { # run NAME DRY(1|0) GRACE_ZERO(1|0) ARGS...
  local name=$1 dry=$2 zero=$3; shift 3
  local out=$TMP/$name.json err=$TMP/$name.err tv=$TMP/$name.time rc=0
  /usr/bin/time -v -o "$tv" "$S3LO" clean "s3://$BUCKET/" "$@" --endpoint "$ENDPOINT" --output json --no-progress \
    >"$out" 2>"$err" || rc=$?
  local secs rss_kb rss_mb got want problems=()
  secs=$(wall_seconds "$tv")
  rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tv")
  rss_mb=$(awk -v k="${rss_kb:-0}" 'BEGIN { printf "%.1f", k / 1024 }')
  want=$("$PY" "$GEN" expect --plan "$TMP/plan.json" $([ "$zero" = 1 ] && echo --grace-zero))
  [ "$name" != again ] || want="tags=0 manifests=0 blobs=0 bytes=0"
  [ "$rc" = 0 ] || problems+=("exit $rc: $(head -n 1 "$err")")
  got=$("$PY" "$GEN" counts --report "$out" 2>&1) || { problems+=("no JSON report: $got"); got=""; }
  # Tags must match exactly; unreachable blobs as a whole (which are manifests is the command's call)
  local wb=$(( $(field manifests "$want") + $(field blobs "$want") ))
  if [ -n "$got" ]; then
    [ "$(field tags "$got")" = "$(field tags "$want")" ] || problems+=("tags $(field tags "$got") != expected $(field tags "$want")")
    local gb=$(( $(field manifests "$got") + $(field blobs "$got") ))
    [ "$gb" = "$wb" ] || problems+=("manifests+blobs $gb != expected $wb")
    [ "$(field failures "$got")" = 0 ] || problems+=("$(field failures "$got") items failed")
  fi
  [ "$dry" = 0 ] || awk -v s="$secs" -v l="$TIME_LIMIT" 'BEGIN { exit !(s < l) }' || problems+=("dry run not under $TIME_LIMIT s")
  [ "${rss_kb:-0}" -lt $((RSS_LIMIT_MB * 1024)) ] || problems+=("peak RSS not under $RSS_LIMIT_MB MB")
  local verdict=PASS; [ ${#problems[@]} = 0 ] || { verdict=FAIL; fail=1; }
  printf '%s %-14s %7s s %6s MB  %s | expected tags=%s manifests+blobs=%s\n' "$verdict" "$name" "$secs" "$rss_mb" \
    "${got:-(no counts)}" "$(field tags "$want")" "$wb"
  local p; for p in "${problems[@]}"; do echo "     - $p"; done
  [ "$rc" = 0 ] || sed -n '1,5s/^/     stderr: /p' "$err"
}

echo "clean bench: $TAGS tags, $BLOBS blobs on Ceph RGW ($ENDPOINT), $(nproc) cores, $("$S3LO" --version 2>&1 | head -n 1)"
echo "aims: dry run < $TIME_LIMIT s, peak RSS < $RSS_LIMIT_MB MB"
run dry-run 1 0
run dry-run-grace0 1 1 --grace 0s
run confirm 0 1 --confirm --grace 0s
"$PY" "$GEN" verify --bucket "$BUCKET" --endpoint "$ENDPOINT" --plan "$TMP/plan.json" || fail=1
run again 1 1 --grace 0s
echo "clean bench: $([ "$fail" = 0 ] && echo PASS || echo FAIL)"
exit $fail
