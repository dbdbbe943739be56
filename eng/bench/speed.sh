#!/usr/bin/env bash
# Issue 14's goals in one run (not part of the tests): every speed and memory figure s3lo is held to,
# measured against docker, skopeo and a plain S3 client on this machine, printed as one table of ratios.
#
#   eng/bench/speed.sh [--quick]
#
#   --quick     small sizes (50 MB image, 256 MB large layer, 64 MB copies, 1 round): checks the
#               script, not the product
#   env:        SIZE_MB (push/pull image, default 500), ROUNDS (default 3), LARGE_MB (default 2048),
#               COPY_MB (default 512), S3_MB (default 512), STARTUP_RUNS (default 30)
#
# Runs push-pull.sh (gzip, zstd, none), memory.sh (one large layer, against docker push/pull),
# registry-copy.sh, s3-throughput.sh and the start-up timings. Needs every service of
# eng/services.sh (docker, registry, s3) and the native binary ($S3LO_BINARY or artifacts/linux-x64/s3lo).
# Ratios are taken within this run; on a shared machine only they, not the seconds, compare across runs.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIZE_MB=${SIZE_MB:-500} ROUNDS=${ROUNDS:-3} LARGE_MB=${LARGE_MB:-2048} COPY_MB=${COPY_MB:-512} S3_MB=${S3_MB:-512} STARTUP_RUNS=${STARTUP_RUNS:-30}
case "${1:-}" in
  --quick) SIZE_MB=50 ROUNDS=1 LARGE_MB=256 COPY_MB=64 S3_MB=64 STARTUP_RUNS=5 ;;
  "") ;;
  -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
  *) echo "speed: unknown argument '$1'" >&2; exit 2 ;;
esac
die() { echo "speed: ERROR: $*" >&2; exit 1; }
log() { echo "speed: $*" >&2; }

eval "$(bash "$ROOT/eng/services.sh" env)"
S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
export S3LO_BINARY=$S3LO
[ -x "$S3LO" ] || die "no s3lo binary at $S3LO: run build/publish.sh or set S3LO_BINARY"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-speed.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export S3LO_BENCH_RESULTS=$TMP/results.tsv
: >"$S3LO_BENCH_RESULTS"
. "$ROOT/eng/bench/results.sh"

run() { # run NAME SCRIPT ARGS...: its report to $TMP/NAME.log and stderr; a failing bench is reported, not fatal
  local name=$1; shift
  log "$name: $*"
  if ! bash "$@" >"$TMP/$name.log" 2>&1; then
    tail -n 5 "$TMP/$name.log" | sed "s/^/speed: $name: /" >&2
    log "$name exited non-zero: rows it did not reach show n/a below"
  fi
  cat "$TMP/$name.log" >&2
}

# ------------------------------------------------------------------ start-up
# Median wall time of a whole process, in ms, over STARTUP_RUNS runs after two warm-ups.
startup_ms() {
  local i t0 times=()
  for ((i = 0; i < STARTUP_RUNS + 2; i++)); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null 2>&1 || true
    [ "$i" -lt 2 ] || times+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", (b - a) * 1000 }')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# the v1 fixture store (multi-arch alpine): a real store to list and inspect, copied so nothing touches the original
STORE=$TMP/startup-store
cp -r "$ROOT/tests/fixtures/s3lo-v1-store" "$STORE"
bench_result startup-version-ms "$(startup_ms "$S3LO" --version)"
bench_result startup-list-ms "$(startup_ms "$S3LO" list "local://$STORE/")"
bench_result startup-inspect-ms "$(startup_ms "$S3LO" inspect "local://$STORE/alpine:latest")"
command -v skopeo >/dev/null && bench_result startup-skopeo-version-ms "$(startup_ms skopeo --version)"
# what starting any process costs on this machine: the floor under every start-up figure
bench_result startup-true-ms "$(startup_ms /bin/true)"

# ------------------------------------------------------------------ the benches
run push-pull "$ROOT/eng/bench/push-pull.sh" --size-mb "$SIZE_MB" --rounds "$ROUNDS" --compression gzip,zstd,none
run large-layer "$ROOT/eng/bench/memory.sh" --size-mb "$LARGE_MB"
run registry-copy "$ROOT/eng/bench/registry-copy.sh" --size-mb "$COPY_MB"
run s3-throughput "$ROOT/eng/bench/s3-throughput.sh" --size-mb "$S3_MB"

# ------------------------------------------------------------------ the table
value() { awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print v }' "$S3LO_BENCH_RESULTS"; }
# row LABEL KEY OP GOAL: OP is <= or >=; "met" when the measured value holds the goal
row() {
  local v; v=$(value "$2")
  if [ -z "$v" ]; then printf '| %s | n/a | %s %s | not measured |\n' "$1" "$3" "$4"; return; fi
  printf '| %s | %s | %s %s | %s |\n' "$1" "$v" "$3" "$4" \
    "$(awk -v v="$v" -v op="$3" -v g="$4" 'BEGIN { ok = (op == "<=") ? v <= g : v >= g; print ok ? "met" : "missed" }')"
}
echo
echo "s3lo speed: $("$S3LO" --version), $(nproc) cores, docker $(docker version --format '{{.Server.Version}}' 2>/dev/null), image $SIZE_MB MB x $ROUNDS rounds, large layer $LARGE_MB MB"
echo
echo "| measure | value | goal | |"
echo "|---|---:|---|---|"
for c in gzip zstd none; do
  row "pull $c / docker pull" "pull-$c/docker-pull" "<=" 0.9
  row "pull $c / docker load" "pull-$c/docker-load" "<=" 1.0
done
row "push gzip / docker save" push-gzip/docker-save "<=" 1.4
row "push zstd / docker save" push-zstd/docker-save "<=" 1.15
row "push none / docker save" push-none/docker-save "<=" 1.15
for c in gzip zstd none; do row "re-push unchanged ($c), s" "repush-$c-s" "<=" 0.1; done
row "large layer push speed / docker push" large-push-speed/docker ">=" 0.9
row "large layer pull speed / docker pull" large-pull-speed/docker ">=" 0.9
row "large layer push peak RSS, MB" large-push-rss-mb "<=" 150
row "large layer pull peak RSS, MB" large-pull-rss-mb "<=" 150
row "s3lo --version, ms" startup-version-ms "<=" 10
row "list of a local store, ms" startup-list-ms "<=" 20
row "inspect on a local store, ms" startup-inspect-ms "<=" 20
row "skopeo --version, ms (reference)" startup-skopeo-version-ms ">=" 0
row "/bin/true, ms (process start floor)" startup-true-ms ">=" 0
row "copy registry -> oci: / skopeo" copy-oci/skopeo "<=" 1.0
row "copy registry -> local store / skopeo" copy-store/skopeo "<=" 1.0
row "Ceph push speed / raw PutObject" ceph-push-speed/raw ">=" 0.9
row "Ceph pull speed / raw GetObject" ceph-pull-speed/raw ">=" 0.9
