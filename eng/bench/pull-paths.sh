#!/usr/bin/env bash
# Pull-path benchmark (not part of the tests): the ways one image gets from storage into the Docker
# daemon, timed in ONE run on this machine, rounds interleaved (quote medians and ratios, never
# absolute times: the machine is shared).
#
#   SIZE=500 N=3 COMPRESSIONS="gzip zstd none" eng/bench/pull-paths.sh [--keep]
#
#   SIZE          image size in MB, spread over 5 layers (default 500), each layer half random data
#   N             rounds; every path runs once per round, the median is printed (default 3)
#   COMPRESSIONS  the stores pushed to, one per `s3lo push --compression` (default "gzip zstd none")
#   EXTRA_ENV     NAME=VALUE: also time `s3lo pull X` with that in its environment, as "s3lo pull X (NAME=VALUE)"
#   --keep        keep the temp dir (store, saved tar, logs)
#
# Paths (the image is removed from the daemon before each, by this run's own names only):
#   docker load         `docker load` of the `docker save` tar (the floor: no network, no compression)
#   docker pull         `docker pull` from a docker-registry (distribution) holding the image
#   s3lo pull X         `s3lo pull local://STORE/bench-X:1` (what the binary does today; with
#                       S3LO_PULL_VIA=load in the environment also the load path: "s3lo pull X (load)")
#   serve+pull X        `docker pull 127.0.0.1:PORT/bench-X:1` from `s3lo serve local://STORE/`
#                       (the daemon's own puller against an ephemeral registry; Docker < 23 pulls no zstd)
# Needs the daemon of eng/services.sh, docker-registry (apt) and the native binary
# ($S3LO_BINARY or artifacts/linux-x64/s3lo). Wall seconds come from `date +%s.%N` around each command.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SIZE=${SIZE:-500} N=${N:-3} COMPRESSIONS=${COMPRESSIONS:-gzip zstd none} KEEP=0 LAYERS=5
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) KEEP=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "pull-paths: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
case "$SIZE$N" in ''|*[!0-9]*) echo "pull-paths: SIZE and N are numbers" >&2; exit 2 ;; esac
LAYER_MB=$(( SIZE / LAYERS )); [ "$LAYER_MB" -ge 1 ] || LAYER_MB=1

die() { echo "pull-paths: ERROR: $*" >&2; exit 1; }
log() { echo "pull-paths: $*" >&2; }

if [ -z "${DOCKER_HOST:-}" ] && [ -S "${S3LO_SVC_DIR:-/tmp/s3lo-services}/docker/docker.sock" ]; then
  export DOCKER_HOST=unix://${S3LO_SVC_DIR:-/tmp/s3lo-services}/docker/docker.sock
fi
DOCKER_VERSION=$(docker version --format '{{.Server.Version}}' 2>/dev/null) \
  || die "no docker daemon at ${DOCKER_HOST:-the default socket}: eng/services.sh start docker; eval \"\$(eng/services.sh env)\""
S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
[ -x "$S3LO" ] || die "no s3lo binary at $S3LO: run build/publish.sh or set S3LO_BINARY"
command -v docker-registry >/dev/null || die "no docker-registry: apt-get install docker-registry"
export AWS_EC2_METADATA_DISABLED=true NO_GCE_CHECK=true

TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-pullpaths.XXXXXX")
TAG=pp-$$
IMG=s3lo-pullpaths:$TAG BASE=s3lo-pullpaths-base:$TAG
PIDS=()
NAMES=("$IMG" "$BASE")
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  docker rmi -f "${NAMES[@]}" >/dev/null 2>&1 || true
  if [ "$KEEP" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ------------------------------------------------------------------ image (as eng/bench/push-pull.sh builds it)
# shellcheck source=bench-image.sh
. "$ROOT/eng/bench/bench-image.sh"
log "building $IMG: $LAYERS layers of $LAYER_MB MB (docker $DOCKER_VERSION)"
build_bench_image
docker rmi "$BASE" >/dev/null

# ------------------------------------------------------------------ the stores and the registries
STORE=$TMP/store
"$S3LO" init --local "$STORE" >"$TMP/init.out" 2>&1 || { cat "$TMP/init.out" >&2; die "s3lo init failed"; }
for c in $COMPRESSIONS; do
  "$S3LO" push "$IMG" "local://$STORE/bench-$c:1" --compression "$c" >"$TMP/push-$c.out" 2>&1 \
    || { cat "$TMP/push-$c.out" >&2; die "s3lo push --compression $c failed"; }
done
docker save "$IMG" >"$TMP/image.tar"

REG_PORT=$(free_port)
mkdir -p "$TMP/registry"
cat >"$TMP/registry.yml" <<EOF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $TMP/registry}}
http: {addr: 127.0.0.1:$REG_PORT}
EOF
docker-registry serve "$TMP/registry.yml" >"$TMP/registry.out" 2>&1 &
PIDS+=("$!")
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$REG_PORT/v2/" >/dev/null && break; sleep 0.2; done
REGIMG=127.0.0.1:$REG_PORT/s3lo-pullpaths:$TAG
NAMES+=("$REGIMG")
docker tag "$IMG" "$REGIMG"
docker push "$REGIMG" >"$TMP/dpush.out" 2>&1 || { cat "$TMP/dpush.out" >&2; die "docker push to the registry failed"; }

"$S3LO" serve "local://$STORE/" --port 0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
PIDS+=("$!")
for _ in $(seq 150); do grep -q '^serving ' "$TMP/serve.out" 2>/dev/null && break; sleep 0.2; done
SERVE=$(sed -n 's/^serving .* on http:\/\///p' "$TMP/serve.out")
[ -n "$SERVE" ] || { cat "$TMP/serve.err" >&2; die "s3lo serve printed no serving line"; }
for c in $COMPRESSIONS; do NAMES+=("$SERVE/bench-$c:1"); done
docker rmi -f "$IMG" "$REGIMG" >/dev/null

# ------------------------------------------------------------------ rounds
declare -A T
KEYS=()
run() { # run KEY CMD...: the image gone first, CMD timed, the image ID checked
  local key=$1 t0 t1 took=fail; shift
  docker rmi -f "${NAMES[@]}" >/dev/null 2>&1 || true
  t0=$(date +%s.%N)
  if ! "$@" >"$TMP/out.last" 2>&1; then
    t1=$(date +%s.%N)
    log "$key failed: $(tail -n 1 "$TMP/out.last")"
  else
    t1=$(date +%s.%N)
    docker image inspect "$IMG_ID" >/dev/null 2>&1 || log "WARNING: $key left no image $IMG_ID in the daemon"
    took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  fi
  T[$key]+="$took "
  [[ " ${KEYS[*]} " == *" $key "* ]] || KEYS+=("$key")
  log "$(printf 'round %d  %-24s %s' "$round" "$key" "$took")"
}
for ((round = 1; round <= N; round++)); do
  run "docker load" docker load -i "$TMP/image.tar"
  run "docker pull" docker pull "$REGIMG"
  for c in $COMPRESSIONS; do
    run "s3lo pull $c" "$S3LO" pull "local://$STORE/bench-$c:1" "$IMG"
    [ -z "${S3LO_PULL_VIA+x}" ] || run "s3lo pull $c (load)" env S3LO_PULL_VIA=load "$S3LO" pull "local://$STORE/bench-$c:1" "$IMG"
    [ -z "${EXTRA_ENV:-}" ] || run "s3lo pull $c ($EXTRA_ENV)" env "$EXTRA_ENV" "$S3LO" pull "local://$STORE/bench-$c:1" "$IMG"
    run "serve+pull $c" docker pull "$SERVE/bench-$c:1"
  done
done
docker rmi -f "${NAMES[@]}" >/dev/null 2>&1 || true

# ------------------------------------------------------------------ report
median() { tr ' ' '\n' | awk '$1 != "" && $1 != "fail"' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "fail"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
declare -A M
for k in "${KEYS[@]}"; do M[$k]=$(echo "${T[$k]}" | median); done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "pull paths: $((IMG_BYTES / 1048576)) MB image, $NLAYERS layers, $N rounds, $(nproc) cores, docker $DOCKER_VERSION, $("$S3LO" --version 2>/dev/null | head -1 || echo "s3lo ?")"
printf '%-26s %8s %10s %12s   %s\n' path median "/ load" "/ dk pull" runs
for k in "${KEYS[@]}"; do
  printf '%-26s %8s %10s %12s   %s\n' "$k" "${M[$k]}" "$(ratio "${M[$k]}" "${M[docker load]}")" "$(ratio "${M[$k]}" "${M[docker pull]}")" "${T[$k]}"
done
