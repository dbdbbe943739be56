#!/usr/bin/env bash
# Serve benchmark (not part of the tests): `s3lo serve` of a local store against Debian's
# docker-registry (the CNCF distribution registry, filesystem storage), the same image in both, in ONE
# run. The aims: at least 2x the registry's manifest GETs per second, at least 1x its blob MB/s, and
# s3lo's peak RSS under 200 MB with 100 blob downloads at once.
#
#   eng/bench/serve.sh [--layers N] [--size-mb N] [--manifest-requests N] [--ceph] [--keep]
#
#   --layers N             layers in the image (default 5; the first is half of the image, the others share the rest)
#   --size-mb N            image size, MB (default 200; each layer half random, half text)
#   --manifest-requests N  manifest GETs per measure (default 20000, 32 at once)
#   --blob-fetches N       downloads of the largest layer for the MB/s (default 20, 4 at once)
#   --rounds N             rounds of the two rates, the servers taking turns; the median is printed (default 3)
#   --downloads N          downloads at once of the largest layer, then peak RSS is read (default 100)
#   --ceph                 also serve the image from a Ceph bucket (eng/services.sh start s3): s3lo with
#                          --endpoint, with and without --no-redirect (redirects are followed, as
#                          containerd does)
#   --keep                 keep the temp dir (image, stores, server logs)
#
# The image is an OCI layout built here (uncompressed tar layers, so the bytes are the same in both
# servers), copied with `s3lo copy` into the store and into the registry. Manifest GETs are ApacheBench
# (`ab -k`, keep-alive as containerd and docker reuse connections; also without -k), blobs are curl
# processes in parallel (so one client process is not the bottleneck; curl -L follows redirects).
# Peak RSS is VmHWM of the server process (/proc/PID/status): the peak over the whole run, read after
# the 100 downloads. The machine's load average is printed: on a shared machine rerun a disturbed run.
# Needs the published binary ($S3LO_BINARY or artifacts/linux-x64/s3lo), docker-registry, ab
# (apache2-utils), curl, python3.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAYERS=5 SIZE_MB=200 MANIFEST_REQUESTS=20000 BLOB_FETCHES=20 DOWNLOADS=100 ROUNDS=3 CEPH=0 KEEP=0
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --layers) LAYERS=${2:?}; shift 2 ;;
    --size-mb) SIZE_MB=${2:?}; shift 2 ;;
    --manifest-requests) MANIFEST_REQUESTS=${2:?}; shift 2 ;;
    --blob-fetches) BLOB_FETCHES=${2:?}; shift 2 ;;
    --downloads) DOWNLOADS=${2:?}; shift 2 ;;
    --rounds) ROUNDS=${2:?}; shift 2 ;;
    --ceph) CEPH=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "serve-bench: unknown argument '$1'" >&2; usage 2 >&2 ;;
  esac
done
case "$LAYERS$SIZE_MB$MANIFEST_REQUESTS$BLOB_FETCHES$DOWNLOADS$ROUNDS" in *[!0-9]*) echo "serve-bench: numbers only" >&2; exit 2 ;; esac
[ "$LAYERS" -ge 2 ] || { echo "serve-bench: --layers must be at least 2" >&2; exit 2; }

die() { echo "serve-bench: ERROR: $*" >&2; exit 1; }
log() { echo "serve-bench: $*" >&2; }

S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
[ -x "$S3LO" ] || die "no s3lo binary at $S3LO: run build/publish.sh or set S3LO_BINARY"
for tool in docker-registry ab curl python3; do
  command -v "$tool" >/dev/null || die "no $tool: apt-get install docker-registry apache2-utils curl python3"
done
export AWS_EC2_METADATA_DISABLED=true NO_GCE_CHECK=true

TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-servebench.XXXXXX")
PIDS=() BUCKET=""
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$BUCKET" ] || "$PY" "$ROOT/eng/bench/clean-bucket.py" remove --bucket "$BUCKET" >/dev/null 2>&1 || true
  if [ "$KEEP" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # wait_http URL: until it answers 200 (30 s)
  local i
  for i in $(seq 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" = 200 ] && return 0
    sleep 0.2
  done
  die "nothing answers 200 at $1"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

# ------------------------------------------------------------------ the image: an OCI layout
LAYOUT=$TMP/layout
mkdir -p "$LAYOUT/blobs/sha256"
printf '{"imageLayoutVersion":"1.0.0"}' >"$LAYOUT/oci-layout"
layer_json="" diff_ids="" BIG="" BIG_BYTES=0
log "building a $SIZE_MB MB image in $LAYERS layers (half random, half text)"
for i in $(seq "$LAYERS"); do
  if [ "$i" = 1 ]; then mb=$(( SIZE_MB / 2 )); else mb=$(( SIZE_MB / 2 / (LAYERS - 1) )); fi
  dir=$TMP/l$i; mkdir -p "$dir"
  head -c $(( mb << 19 )) /dev/urandom >"$dir/random.bin"
  (yes "serve benchmark layer $i" || true) | head -c $(( mb << 19 )) >"$dir/text.txt"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$dir" -cf "$TMP/layer.tar" .
  rm -rf "$dir"
  d=$(sha "$TMP/layer.tar"); n=$(stat -c %s "$TMP/layer.tar")
  mv "$TMP/layer.tar" "$LAYOUT/blobs/sha256/$d"
  layer_json+="${layer_json:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$d\",\"size\":$n}"
  diff_ids+="${diff_ids:+,}\"sha256:$d\""
  if [ "$n" -gt "$BIG_BYTES" ]; then BIG=sha256:$d BIG_BYTES=$n; fi
done
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diff_ids" >"$TMP/config.json"
cd_=$(sha "$TMP/config.json"); cn=$(stat -c %s "$TMP/config.json"); mv "$TMP/config.json" "$LAYOUT/blobs/sha256/$cd_"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
  "$cd_" "$cn" "$layer_json" >"$TMP/manifest.json"
md=$(sha "$TMP/manifest.json"); mn=$(stat -c %s "$TMP/manifest.json"); mv "$TMP/manifest.json" "$LAYOUT/blobs/sha256/$md"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"bench"}}]}' \
  "$md" "$mn" >"$LAYOUT/index.json"

# ------------------------------------------------------------------ the servers
"$S3LO" init --local "$TMP/store" >"$TMP/init.out" 2>&1 || { cat "$TMP/init.out" >&2; die "s3lo init failed"; }
"$S3LO" copy "oci:$LAYOUT:bench" "local://$TMP/store/bench/img:1" >/dev/null 2>"$TMP/copy-store.err" \
  || { cat "$TMP/copy-store.err" >&2; die "s3lo copy into the store failed"; }

start_s3lo() { # start_s3lo NAME ARGS...: sets URL_<NAME> and PID_<NAME>
  local name=$1; shift
  "$S3LO" serve "$@" --port 0 >"$TMP/$name.out" 2>"$TMP/$name.err" &
  local pid=$! i
  PIDS+=("$pid")
  for i in $(seq 150); do
    grep -q '^serving ' "$TMP/$name.out" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$TMP/$name.err" >&2; die "s3lo serve ($name) exited"; }
    sleep 0.2
  done
  local url; url=$(sed -n 's/^serving .* on //p' "$TMP/$name.out")
  [ -n "$url" ] || die "s3lo serve ($name) printed no serving line"
  printf -v "URL_$name" '%s' "$url"; printf -v "PID_$name" '%s' "$pid"
}
start_s3lo s3lo "local://$TMP/store/"

REG_PORT=$(free_port)
cat >"$TMP/registry.yml" <<EOF
version: 0.1
log: {level: info, formatter: text}
storage:
  filesystem: {rootdirectory: $TMP/registry-data}
  cache: {blobdescriptor: inmemory}
http: {addr: 127.0.0.1:$REG_PORT}
EOF
docker-registry serve "$TMP/registry.yml" >"$TMP/registry.out" 2>&1 &
PID_registry=$!; PIDS+=("$PID_registry")
URL_registry=http://127.0.0.1:$REG_PORT
wait_http "$URL_registry/v2/"
"$S3LO" copy "oci:$LAYOUT:bench" "127.0.0.1:$REG_PORT/bench/img:1" >/dev/null 2>"$TMP/copy-registry.err" \
  || { cat "$TMP/copy-registry.err" >&2; die "s3lo copy into the registry failed"; }

SERVERS=(s3lo registry)
if [ "$CEPH" = 1 ]; then
  . "$ROOT/eng/bench/s3-bench-env.sh"
  BUCKET=s3lo-servebench-$$
  "$S3LO" init "s3://$BUCKET/" --endpoint "$ENDPOINT" >"$TMP/init-ceph.out" 2>&1 || { cat "$TMP/init-ceph.out" >&2; die "s3lo init on Ceph failed"; }
  "$S3LO" copy "oci:$LAYOUT:bench" "s3://$BUCKET/bench/img:1" --endpoint "$ENDPOINT" >/dev/null 2>"$TMP/copy-ceph.err" \
    || { cat "$TMP/copy-ceph.err" >&2; die "s3lo copy into Ceph failed"; }
  start_s3lo ceph "s3://$BUCKET/" --endpoint "$ENDPOINT"
  start_s3lo cephnr "s3://$BUCKET/" --endpoint "$ENDPOINT" --no-redirect
  SERVERS+=(ceph cephnr)
fi
rm -rf "$LAYOUT"   # the stores hold it now: free the disk and the page cache for the runs

# every server must give the same bytes before anything is timed
for s in "${SERVERS[@]}"; do
  url=URL_$s
  got=$(curl -sfL "${!url}/v2/bench/img/blobs/$BIG" | sha256sum | cut -d' ' -f1)
  [ "sha256:$got" = "$BIG" ] || die "$s serves the wrong bytes for $BIG"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/vnd.oci.image.manifest.v1+json' "${!url}/v2/bench/img/manifests/1")" = 200 ] \
    || die "$s does not serve the manifest"
done

# ------------------------------------------------------------------ the measures
declare -A MAN MAN_NK BLOB HWM
manifest_rate() { # manifest_rate URL [-k]: requests per second, with no failed or non-2xx answer
  local out
  out=$(ab -q -n "$MANIFEST_REQUESTS" -c 32 ${2:-} -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        "$1/v2/bench/img/manifests/1" 2>&1) || { echo "$out" >&2; die "ab failed on $1"; }
  grep -q '^Failed requests: *0$' <<<"$out" || { echo "$out" >&2; die "failed requests on $1"; }
  ! grep -q '^Non-2xx responses' <<<"$out" || { echo "$out" >&2; die "non-2xx answers on $1"; }
  awk '/^Requests per second:/ { printf "%.0f", $4 }' <<<"$out"
}
blob_rate() { # blob_rate URL COUNT PARALLEL: MB/s of COUNT downloads of the largest layer
  local t0 t1 bytes
  t0=$(date +%s.%N)
  bytes=$(seq "$2" | xargs -P "$3" -I{} curl -sfL -o /dev/null -w '%{size_download}\n' "$1/v2/bench/img/blobs/$BIG" \
          | awk '{ s += $1 } END { printf "%.0f", s }')
  t1=$(date +%s.%N)
  [ "$bytes" -eq $(( $2 * BIG_BYTES )) ] || die "$1: $bytes bytes downloaded, not $(( $2 * BIG_BYTES ))"
  awk -v b="$bytes" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.0f", b / 1048576 / (e - s) }'
}
hwm_mb() { awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# the servers take turns within each round, so a change in the machine's load touches both alike
declare -A MAN_R MAN_NK_R BLOB_R
for round in $(seq "$ROUNDS"); do
  for s in "${SERVERS[@]}"; do
    url=URL_$s
    log "round $round, $s: manifest GETs, then $BLOB_FETCHES downloads of the $(( BIG_BYTES >> 20 )) MB layer, 4 at once"
    MAN_R[$s]+=" $(manifest_rate "${!url}" -k)"
    MAN_NK_R[$s]+=" $(manifest_rate "${!url}")"
    BLOB_R[$s]+=" $(blob_rate "${!url}" "$BLOB_FETCHES" 4)"
  done
done
for s in "${SERVERS[@]}"; do
  url=URL_$s pid=PID_$s
  log "$s: $DOWNLOADS downloads at once"
  blob_rate "${!url}" "$DOWNLOADS" "$DOWNLOADS" >/dev/null
  HWM[$s]=$(hwm_mb "${!pid}")
  MAN[$s]=$(median <<<"${MAN_R[$s]}") MAN_NK[$s]=$(median <<<"${MAN_NK_R[$s]}") BLOB[$s]=$(median <<<"${BLOB_R[$s]}")
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ the table
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "serve benchmark: $SIZE_MB MB image, $LAYERS layers (largest $(( BIG_BYTES >> 20 )) MB), local store vs docker-registry $(docker-registry --version 2>/dev/null | awk '{print $NF}'), $(nproc) cores, $("$S3LO" --version)"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER; median of $ROUNDS rounds ($MANIFEST_REQUESTS manifest GETs, $BLOB_FETCHES downloads of the largest layer)"
printf '%-44s %10s %10s %10s  %s\n' measure s3lo registry s3lo/reg aim
row() { printf '%-44s %10s %10s %10s  %s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")" "$4"; }
row "manifest GETs/s (ab -k -c 32)" "${MAN[s3lo]}" "${MAN[registry]}" ">= 2"
row "manifest GETs/s (ab -c 32, no keep-alive)" "${MAN_NK[s3lo]}" "${MAN_NK[registry]}" ""
row "blob MB/s (curl, 4 at once)" "${BLOB[s3lo]}" "${BLOB[registry]}" ">= 1"
row "peak RSS MB (VmHWM, after $DOWNLOADS at once)" "${HWM[s3lo]}" "${HWM[registry]}" "s3lo < 200 MB"
if [ "$CEPH" = 1 ]; then
  echo
  echo "from Ceph (s3lo serve --endpoint; the registry column is still the local docker-registry)"
  row "manifest GETs/s, redirects (ab -k)" "${MAN[ceph]}" "${MAN[registry]}" ""
  row "manifest GETs/s, --no-redirect (ab -k)" "${MAN[cephnr]}" "${MAN[registry]}" ""
  row "blob MB/s, redirects followed" "${BLOB[ceph]}" "${BLOB[registry]}" ""
  row "blob MB/s, --no-redirect" "${BLOB[cephnr]}" "${BLOB[registry]}" ""
  row "peak RSS MB, redirects" "${HWM[ceph]}" "${HWM[registry]}" ""
  row "peak RSS MB, --no-redirect" "${HWM[cephnr]}" "${HWM[registry]}" ""
fi
