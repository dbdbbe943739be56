#!/usr/bin/env bash
# Memory benchmark (not part of the tests): push and pull an image whose single layer is one
# 2 GB file of random data; the peak RSS of each s3lo command must stay under 150 MB
# (memory must stay flat as layers grow). The same image is pushed to and pulled from the
# registry of eng/services.sh with docker in the same run, for the time ratios.
#
#   eng/bench/memory.sh [--size-mb N] [--limit-mb M] [--compression none|gzip|zstd] [--build-only] [--keep]
#
#   --size-mb N       size of the file in the layer, MB (default 2048)
#   --limit-mb M      peak RSS limit for push and for pull, MB (default 150)
#   --compression X   passed to `s3lo push`
#   --build-only      import the image, show it, remove it, stop (no s3lo needed)
#   --keep            keep the temp dir (the local store)
#
# Needs the docker daemon of eng/services.sh and the native binary ($S3LO_BINARY or
# artifacts/linux-x64/s3lo):  eng/services.sh start docker; eval "$(eng/services.sh env)"
# The layer is streamed into `docker import -` (tar header + random bytes): nothing is written
# twice. Prints PASS/FAIL lines; exits 1 on any FAIL.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIZE_MB=2048 LIMIT_MB=150 COMPRESSION="" BUILD_ONLY=0 KEEP=0
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mb) SIZE_MB=${2:?}; shift 2 ;;
    --limit-mb) LIMIT_MB=${2:?}; shift 2 ;;
    --compression) COMPRESSION=${2:?}; shift 2 ;;
    --build-only) BUILD_ONLY=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "memory: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
case "$SIZE_MB$LIMIT_MB" in *[!0-9]*) echo "memory: --size-mb and --limit-mb take numbers" >&2; exit 2 ;; esac
[ "$SIZE_MB" -ge 1 ] && [ "$SIZE_MB" -lt 8192 ] || { echo "memory: --size-mb must be 1..8191 (ustar size field)" >&2; exit 2; }

die() { echo "memory: ERROR: $*" >&2; exit 1; }
log() { echo "memory: $*" >&2; }

# ------------------------------------------------------------------ prerequisites
if [ -z "${DOCKER_HOST:-}" ] && [ -S "${S3LO_SVC_DIR:-/tmp/s3lo-services}/docker/docker.sock" ]; then
  export DOCKER_HOST=unix://${S3LO_SVC_DIR:-/tmp/s3lo-services}/docker/docker.sock
fi
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 \
  || die "no docker daemon at ${DOCKER_HOST:-the default socket}: eng/services.sh start docker; eval \"\$(eng/services.sh env)\""
S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
if [ "$BUILD_ONLY" = 0 ]; then
  [ -x "$S3LO" ] || die "no s3lo binary at $S3LO: run build/publish.sh or set S3LO_BINARY"
  [ -x /usr/bin/time ] || bash "$ROOT/eng/services.sh" install bench
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-membench.XXXXXX")
IMG=s3lo-bench-mem:$$
cleanup() {
  docker rmi -f "$IMG" "${REGIMG:-$IMG}" >/dev/null 2>&1 || true
  if [ "$KEEP" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------------ image: one layer, one file
put() { printf "$2" | dd of="$TMP/hdr" bs=1 seek="$1" conv=notrunc status=none; } # put OFFSET FORMAT
tar_header() { # tar_header NAME SIZE -> $TMP/hdr, a 512-byte ustar header for a regular file
  head -c 512 /dev/zero >"$TMP/hdr"
  put 0 "$1"; put 100 0000644; put 108 0000000; put 116 0000000
  put 124 "$(printf '%011o' "$2")"; put 136 "$(printf '%011o' "$(date +%s)")"
  put 148 '        '; put 156 0; put 257 'ustar\0'; put 263 00; put 265 root; put 297 root
  local sum
  sum=$(od -An -v -tu1 "$TMP/hdr" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s }')
  put 148 "$(printf '%06o' "$sum")\\0 "
}
random_bytes() { # random_bytes MB -> stdout
  if command -v openssl >/dev/null; then
    local left=$1 n
    while [ "$left" -gt 0 ]; do
      n=$(( left < 64 ? left : 64 )); openssl rand $(( n << 20 )); left=$(( left - n ))
    done
  else
    head -c $(( $1 << 20 )) /dev/urandom
  fi
}

t0=$SECONDS
log "importing $IMG: one layer holding a $SIZE_MB MB random file"
tar_header data.bin $(( SIZE_MB << 20 ))
# header, data (a whole number of 512-byte blocks), two zero blocks ending the archive
{ cat "$TMP/hdr"; random_bytes "$SIZE_MB"; head -c 1024 /dev/zero; } | docker import - "$IMG" >/dev/null
read -r NLAYERS IMG_BYTES < <(docker image inspect -f '{{len .RootFS.Layers}} {{.Size}}' "$IMG")
[ "$NLAYERS" = 1 ] && [ "$IMG_BYTES" -ge $(( SIZE_MB << 20 )) ] \
  || die "imported image has $NLAYERS layers and $IMG_BYTES bytes"
log "imported $IMG: $((IMG_BYTES / 1048576)) MB in $((SECONDS - t0)) s"
if [ "$BUILD_ONLY" = 1 ]; then docker image ls "$IMG"; exit 0; fi

# ------------------------------------------------------------------ push, pull
# shellcheck source=results.sh
. "$ROOT/eng/bench/results.sh"
declare -A SECS RSS
timed() { # timed KEY CMD...   wall seconds and peak RSS (KB) of CMD
  local key=$1; shift
  if ! /usr/bin/time -f '%e %M' -o "$TMP/time.$key" "$@" >"$TMP/out.$key" 2>&1; then
    tail -n 20 "$TMP/out.$key" >&2
    die "failed: $*"
  fi
  read -r SECS[$key] RSS[$key] < <(tail -n 1 "$TMP/time.$key")
}
comp=(); [ -z "$COMPRESSION" ] || comp=(--compression "$COMPRESSION")
STORE=$TMP/store
REF=local://$STORE/big:1
"$S3LO" init --local "$STORE" >"$TMP/out.init" 2>&1 || { cat "$TMP/out.init" >&2; die "s3lo init --local failed"; }
timed push "$S3LO" push "$IMG" "$REF" "${comp[@]}"
docker rmi -f "$IMG" >/dev/null
timed pull "$S3LO" pull "$REF" "$IMG"
docker image inspect "$IMG" >/dev/null 2>&1 || die "s3lo pull left no $IMG in the daemon"
REG=${S3LO_TEST_REGISTRY:-127.0.0.1:${REG_PORT:-39500}}
if curl -sf -m 5 "http://$REG/v2/" >/dev/null; then
  REGIMG=$REG/s3lo-bench-mem:$$
  docker tag "$IMG" "$REGIMG"
  timed dpush docker push "$REGIMG"
  docker rmi -f "$IMG" "$REGIMG" >/dev/null
  timed dpull docker pull "$REGIMG"
  docker rmi -f "$REGIMG" >/dev/null
else
  log "no registry at $REG: docker push/pull not measured (eng/services.sh start registry)"
fi

fail=0
for key in push pull; do
  mb=$(awk -v k="${RSS[$key]}" 'BEGIN { printf "%.1f", k / 1024 }')
  line="s3lo $key of a $SIZE_MB MB layer: ${SECS[$key]} s, peak RSS $mb MB"
  if [ "${RSS[$key]}" -lt $(( LIMIT_MB * 1024 )) ]; then
    echo "PASS $line < $LIMIT_MB MB"
  else
    echo "FAIL $line >= $LIMIT_MB MB"; fail=1
  fi
done
bench_result large-push-rss-mb "$(awk -v k="${RSS[push]}" 'BEGIN { printf "%.0f", k / 1024 }')"
bench_result large-pull-rss-mb "$(awk -v k="${RSS[pull]}" 'BEGIN { printf "%.0f", k / 1024 }')"
if [ -n "${SECS[dpush]:-}" ]; then
  # throughput ratios: docker's time over s3lo's (above 1 is faster than docker)
  for key in push pull; do
    speed=$(awk -v d="${SECS[d$key]}" -v s="${SECS[$key]}" 'BEGIN { printf "%.2f", d / s }')
    echo "s3lo $key throughput / docker $key: $speed (docker ${SECS[d$key]} s)"
    bench_result "large-$key-speed/docker" "$speed"
  done
fi
exit $fail
