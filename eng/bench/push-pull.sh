#!/usr/bin/env bash
# Push/pull benchmark (not part of the tests): s3lo against docker save/load and docker
# push/pull through a registry, in ONE run on this machine (the README asks for ratios, never absolute times).
#
#   eng/bench/push-pull.sh [--size-mb N] [--compression none|gzip|zstd] [--build-only] [--keep]
#
#   --size-mb N       image size in MB, spread over 5 layers (default 500)
#   --compression X   passed to `s3lo push` (default: s3lo's own default)
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
SIZE_MB=500 COMPRESSION="" BUILD_ONLY=0 KEEP=0 LAYERS=5
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mb) SIZE_MB=${2:?}; shift 2 ;;
    --compression) COMPRESSION=${2:?}; shift 2 ;;
    --build-only) BUILD_ONLY=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "push-pull: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
case "$SIZE_MB" in ''|*[!0-9]*) echo "push-pull: --size-mb needs a number" >&2; exit 2 ;; esac
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
rand() { # rand BYTES -> stdout
  if command -v openssl >/dev/null; then openssl rand "$1"; else head -c "$1" /dev/urandom; fi
}
# 1 MiB blocks of 384 KiB random + 640 KiB log-like text (the same text in every block):
# gzip -6 makes ~2.0x of it (the text alone ~5.5x)
TEXT=$TMP/text.blk
awk 'BEGIN { for (i = 0; i < 9000; i++)
  printf "%08d INFO s3lo.bench[%d]: pushed layer sha256:%08x%08x in %d ms (the quick brown fox)\n",
         i, i % 97, i * 2654435761 % 4294967296, i * 40503 % 65536, i * 7919 % 1000 }' >"$TEXT"
truncate -s 655360 "$TEXT"
gen_file() { # gen_file PATH MB
  local i
  for ((i = 0; i < $2; i++)); do rand 393216; cat "$TEXT"; done >"$1"
}

t0=$SECONDS
log "building $IMG: $LAYERS layers of $LAYER_MB MB (docker $DOCKER_VERSION)"
mkdir -p "$TMP/base/data" "$TMP/ctx"
gen_file "$TMP/base/data/layer0.bin" "$LAYER_MB"
tar -C "$TMP/base" -cf - data | docker import - "$BASE" >/dev/null
rm -rf "$TMP/base"
{
  echo "FROM $BASE"
  for ((i = 1; i < LAYERS; i++)); do
    gen_file "$TMP/ctx/layer$i.bin" "$LAYER_MB"
    echo "COPY layer$i.bin /data/layer$i.bin"
  done
} >"$TMP/ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$IMG" "$TMP/ctx" >"$TMP/build.log" 2>&1 \
  || { cat "$TMP/build.log" >&2; die "docker build failed"; }
rm -rf "$TMP/ctx"
read -r NLAYERS IMG_BYTES < <(docker image inspect -f '{{len .RootFS.Layers}} {{.Size}}' "$IMG")
IMG_ID=$(docker image inspect -f '{{.Id}}' "$IMG")
log "built $IMG: $NLAYERS layers, $((IMG_BYTES / 1048576)) MB, in $((SECONDS - t0)) s"
if [ "$BUILD_ONLY" = 1 ]; then
  docker image inspect -f '{{range .RootFS.Layers}}{{println .}}{{end}}' "$IMG"
  docker history --format '{{.Size}}\t{{.CreatedBy}}' "$IMG"
  exit 0
fi

# ------------------------------------------------------------------ measurements
declare -A SECS RSS
timed() { # timed KEY LABEL CMD...   wall seconds and peak RSS (KB) of CMD, its output to a log
  local key=$1 label=$2; shift 2
  if ! /usr/bin/time -f '%e %M' -o "$TMP/time.$key" "$@" >"$TMP/out.$key" 2>&1; then
    tail -n 20 "$TMP/out.$key" >&2
    die "$label failed: $*"
  fi
  read -r SECS[$key] RSS[$key] < <(tail -n 1 "$TMP/time.$key")
  log "$(printf '%-26s %8.2f s' "$label" "${SECS[$key]}")"
}
comp=(); [ -z "$COMPRESSION" ] || comp=(--compression "$COMPRESSION")
STORE=$TMP/store
REF=local://$STORE/bench:1

# docker save to stdout (never `-o /dev/null`: the CLI writes a temp file and renames it over the target)
timed save "docker save" sh -c 'exec docker save "$1" >/dev/null' sh "$IMG"
"$S3LO" init --local "$STORE" >"$TMP/out.init" 2>&1 || { cat "$TMP/out.init" >&2; die "s3lo init --local failed"; }
timed push1 "s3lo push (first)" "$S3LO" push "$IMG" "$REF" "${comp[@]}"
timed push2 "s3lo push (unchanged)" "$S3LO" push "$IMG" "$REF" "${comp[@]}"
docker tag "$IMG" "$REGIMG"
timed dpush "docker push" docker push "$REGIMG"
docker save -o "$TMP/image.tar" "$IMG"
docker rmi -f "$IMG" "$REGIMG" >/dev/null

timed pull "s3lo pull" "$S3LO" pull "$REF" "$IMG"
pulled_id=$(docker image inspect -f '{{.Id}}' "$IMG" 2>/dev/null) || die "s3lo pull left no $IMG in the daemon"
[ "$pulled_id" = "$IMG_ID" ] || log "WARNING: pulled image id $pulled_id differs from the pushed $IMG_ID"
docker rmi -f "$IMG" >/dev/null

timed load "docker load" docker load -i "$TMP/image.tar"
docker rmi -f "$IMG" >/dev/null
rm -f "$TMP/image.tar"
timed dpull "docker pull" docker pull "$REGIMG"
docker rmi -f "$REGIMG" >/dev/null

# ------------------------------------------------------------------ report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
echo
echo "s3lo push/pull benchmark: $((IMG_BYTES / 1048576)) MB image, $NLAYERS layers, compression ${COMPRESSION:-default}, $(nproc) cores, docker $DOCKER_VERSION, $("$S3LO" --version 2>/dev/null | head -1 || echo "s3lo ?")"
printf '%-34s %9s %12s\n' step seconds "peak RSS"
printf '%-34s %9.2f\n' "docker save (push floor)" "${SECS[save]}"
printf '%-34s %9.2f %12s\n' "s3lo push (first)" "${SECS[push1]}" "$(mb "${RSS[push1]}")"
printf '%-34s %9.2f %12s\n' "s3lo push (unchanged)" "${SECS[push2]}" "$(mb "${RSS[push2]}")"
printf '%-34s %9.2f\n' "docker push (registry)" "${SECS[dpush]}"
printf '%-34s %9.2f %12s\n' "s3lo pull" "${SECS[pull]}" "$(mb "${RSS[pull]}")"
printf '%-34s %9.2f\n' "docker load (pull floor)" "${SECS[load]}"
printf '%-34s %9.2f\n' "docker pull (registry)" "${SECS[dpull]}"
echo
printf '%-34s %9s\n' ratio value
printf '%-34s %9s\n' "s3lo push / docker save" "$(ratio "${SECS[push1]}" "${SECS[save]}")"
printf '%-34s %9s\n' "s3lo push / docker push" "$(ratio "${SECS[push1]}" "${SECS[dpush]}")"
printf '%-34s %9s\n' "s3lo push unchanged / first" "$(ratio "${SECS[push2]}" "${SECS[push1]}")"
printf '%-34s %9s\n' "s3lo pull / docker load" "$(ratio "${SECS[pull]}" "${SECS[load]}")"
printf '%-34s %9s\n' "s3lo pull / docker pull" "$(ratio "${SECS[pull]}" "${SECS[dpull]}")"
