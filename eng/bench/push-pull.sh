#!/usr/bin/env bash
# Push/pull benchmark (not part of the tests): s3lo against docker save/load and docker
# push/pull through a registry, in ONE run on this machine (the README asks for ratios, never absolute times).
#
#   eng/bench/push-pull.sh [--size-mb N] [--compression none|gzip|zstd[,...]] [--rounds N] [--build-only] [--keep]
#
#   --size-mb N       image size in MB, spread over 5 layers (default 500)
#   --compression X   passed to `s3lo push`; a comma list (gzip,zstd,none) measures each, one store
#                     apiece, against the same docker figures (default: s3lo's own default)
#   --rounds N        measure everything N times, the commands taking turns; medians are printed (default 1)
#   --build-only      build the image, print its layers, remove it, stop (no s3lo needed)
#   --keep            keep the temp dir (store, saved tar) for a look afterwards
#
# Needs the daemon and registry of eng/services.sh, and the native binary:
#   eng/services.sh install docker registry bench && eng/services.sh start docker registry
#   eval "$(eng/services.sh env)" && build/publish.sh
# The binary is $S3LO_BINARY or artifacts/linux-x64/s3lo. The image has a docker-import base
# layer and four COPY layers (classic builder), each of data that gzip halves (random blocks
# interleaved with text). Wall seconds and peak RSS come from GNU time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIZE_MB=500 COMPRESSION="" BUILD_ONLY=0 KEEP=0 LAYERS=5 ROUNDS=1
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mb) SIZE_MB=${2:?}; shift 2 ;;
    --compression) COMPRESSION=${2:?}; shift 2 ;;
    --rounds) ROUNDS=${2:?}; shift 2 ;;
    --build-only) BUILD_ONLY=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "push-pull: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
case "$SIZE_MB$ROUNDS" in ''|*[!0-9]*) echo "push-pull: --size-mb and --rounds take numbers" >&2; exit 2 ;; esac
[ "$ROUNDS" -ge 1 ] || { echo "push-pull: --rounds must be at least 1" >&2; exit 2; }
LAYER_MB=$(( SIZE_MB / LAYERS )); [ "$LAYER_MB" -ge 1 ] || LAYER_MB=1

die() { echo "push-pull: ERROR: $*" >&2; exit 1; }
log() { echo "push-pull: $*" >&2; }

# ------------------------------------------------------------------ prerequisites
if [ -z "${DOCKER_HOST:-}" ] && [ -S "${S3LO_SVC_DIR:-/tmp/s3lo-services}/docker/docker.sock" ]; then
  export DOCKER_HOST=unix://${S3LO_SVC_DIR:-/tmp/s3lo-services}/docker/docker.sock
fi
DOCKER_VERSION=$(docker version --format '{{.Server.Version}}' 2>/dev/null) \
  || die "no docker daemon at ${DOCKER_HOST:-the default socket}: eng/services.sh start docker registry; eval \"\$(eng/services.sh env)\""
REG=${S3LO_TEST_REGISTRY:-127.0.0.1:${REG_PORT:-39500}}
S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
if [ "$BUILD_ONLY" = 0 ]; then
  [ -x "$S3LO" ] || die "no s3lo binary at $S3LO: run build/publish.sh or set S3LO_BINARY"
  curl -sf -m 5 "http://$REG/v2/" >/dev/null || die "no registry at $REG: eng/services.sh start registry"
  [ -x /usr/bin/time ] || bash "$ROOT/eng/services.sh" install bench
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-bench.XXXXXX")
TAG=pp-$$
IMG=s3lo-bench:$TAG BASE=s3lo-bench-base:$TAG REGIMG=$REG/s3lo-bench:$TAG
cleanup() {
  docker rmi -f "$IMG" "$REGIMG" "$BASE" >/dev/null 2>&1 || true
  if [ "$KEEP" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ image
# shellcheck source=bench-image.sh
. "$ROOT/eng/bench/bench-image.sh"
t0=$SECONDS
log "building $IMG: $LAYERS layers of $LAYER_MB MB (docker $DOCKER_VERSION)"
build_bench_image
log "built $IMG: $NLAYERS layers, $((IMG_BYTES / 1048576)) MB, in $((SECONDS - t0)) s"
if [ "$BUILD_ONLY" = 1 ]; then
  docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$IMG"
  docker history --format '{{.Size}}\t{{.CreatedBy}}' "$IMG"
  exit 0
fi

# ------------------------------------------------------------------ measurements
# shellcheck source=results.sh
. "$ROOT/eng/bench/results.sh"
declare -A SECS RSS
timed() { # timed KEY LABEL CMD...   wall seconds and peak RSS (KB) of CMD appended to SECS/RSS[KEY]
  local key=$1 label=$2 s m; shift 2
  if ! /usr/bin/time -f '%e %M' -o "$TMP/time.$key" "$@" >"$TMP/out.$key" 2>&1; then
    tail -n 20 "$TMP/out.$key" >&2
    die "$label failed: $*"
  fi
  read -r s m < <(tail -n 1 "$TMP/time.$key")
  SECS[$key]="${SECS[$key]:-} $s" RSS[$key]="${RSS[$key]:-} $m"
  log "$(printf '%-30s %8.2f s' "$label" "$s")"
}
median() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
IFS=, read -r -a COMPRESSIONS <<<"${COMPRESSION:-default}"
docker tag "$IMG" "$REGIMG"
docker save -o "$TMP/image.tar" "$IMG"
ensure_image() { docker image inspect "$IMG" >/dev/null 2>&1 || docker load -i "$TMP/image.tar" >/dev/null; docker tag "$IMG" "$REGIMG"; }
drop_image() { docker rmi -f "$IMG" "$REGIMG" >/dev/null 2>&1 || true; }

for ((round = 1; round <= ROUNDS; round++)); do
  [ "$ROUNDS" = 1 ] || log "round $round of $ROUNDS"
  ensure_image
  # docker save to stdout (never `-o /dev/null`: the CLI writes a temp file and renames it over the target)
  timed save "docker save" sh -c 'exec docker save "$1" >/dev/null' sh "$IMG"
  # once: the registry keeps the layers, so a second push would only say "Layer already exists"
  [ "$round" -gt 1 ] || timed dpush "docker push" docker push "$REGIMG"
  for c in "${COMPRESSIONS[@]}"; do
    comp=(); [ "$c" = default ] || comp=(--compression "$c")
    # a new store each round: a first push finds nothing there
    rm -rf "$TMP/store-$c"
    "$S3LO" init --local "$TMP/store-$c" >"$TMP/out.init" 2>&1 || { cat "$TMP/out.init" >&2; die "s3lo init --local failed"; }
    ref=local://$TMP/store-$c/bench:1
    timed "push1-$c" "s3lo push $c (first)" "$S3LO" push "$IMG" "$ref" "${comp[@]}"
    timed "push2-$c" "s3lo push $c (unchanged)" "$S3LO" push "$IMG" "$ref" "${comp[@]}"
  done
  drop_image
  for c in "${COMPRESSIONS[@]}"; do
    timed "pull-$c" "s3lo pull $c" "$S3LO" pull "local://$TMP/store-$c/bench:1" "$IMG"
    pulled_id=$(docker image inspect -f '{{.Id}}' "$IMG" 2>/dev/null) || die "s3lo pull left no $IMG in the daemon"
    [ "$pulled_id" = "$IMG_ID" ] || die "pulled image id $pulled_id differs from the pushed $IMG_ID"
    drop_image
  done
  timed load "docker load" docker load -i "$TMP/image.tar"
  drop_image
  timed dpull "docker pull" docker pull "$REGIMG"
  drop_image
done

# ------------------------------------------------------------------ report
med() { median "${SECS[$1]}"; }
rss() { awk -v k="$(median "${RSS[$1]}")" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "s3lo push/pull benchmark: $((IMG_BYTES / 1048576)) MB image, $NLAYERS layers, $ROUNDS round(s) (medians), $(nproc) cores, docker $DOCKER_VERSION, $("$S3LO" --version 2>/dev/null | head -1 || echo "s3lo ?")"
printf '%-34s %9s %12s\n' step seconds "peak RSS"
printf '%-34s %9.2f\n' "docker save (push floor)" "$(med save)"
printf '%-34s %9.2f\n' "docker push (registry)" "$(med dpush)"
printf '%-34s %9.2f\n' "docker load (pull floor)" "$(med load)"
printf '%-34s %9.2f\n' "docker pull (registry)" "$(med dpull)"
for c in "${COMPRESSIONS[@]}"; do
  printf '%-34s %9.2f %12s\n' "s3lo push $c (first)" "$(med "push1-$c")" "$(rss "push1-$c")"
  printf '%-34s %9.2f %12s\n' "s3lo push $c (unchanged)" "$(med "push2-$c")" "$(rss "push2-$c")"
  printf '%-34s %9.2f %12s\n' "s3lo pull $c" "$(med "pull-$c")" "$(rss "pull-$c")"
done
echo
printf '%-34s %9s\n' ratio value
bench_result docker-save-s "$(med save)"
bench_result docker-load-s "$(med load)"
bench_result docker-pull-s "$(med dpull)"
for c in "${COMPRESSIONS[@]}"; do
  printf '%-34s %9s\n' "push $c / docker save" "$(ratio "$(med "push1-$c")" "$(med save)")"
  printf '%-34s %9s\n' "push $c / docker push" "$(ratio "$(med "push1-$c")" "$(med dpush)")"
  printf '%-34s %9s\n' "pull $c / docker load" "$(ratio "$(med "pull-$c")" "$(med load)")"
  printf '%-34s %9s\n' "pull $c / docker pull" "$(ratio "$(med "pull-$c")" "$(med dpull)")"
  bench_result "push-$c/docker-save" "$(ratio "$(med "push1-$c")" "$(med save)")"
  bench_result "repush-$c-s" "$(med "push2-$c")"
  bench_result "pull-$c/docker-load" "$(ratio "$(med "pull-$c")" "$(med load)")"
  bench_result "pull-$c/docker-pull" "$(ratio "$(med "pull-$c")" "$(med dpull)")"
done
