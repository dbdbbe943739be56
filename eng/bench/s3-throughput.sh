#!/usr/bin/env bash
# S3 throughput benchmark (not part of the tests): s3lo push/pull against the S3-compatible server
# of the test services, next to a plain PutObject/GetObject of the same bytes (curl with SigV4),
# in ONE run on this machine.
#
#   eng/bench/s3-throughput.sh [--size-mb N]      (default 512; needs: eng/services.sh start docker s3)
#
# The image has one layer of N MB (half random, half text) and is pushed with --compression none,
# so the layer blob is the very bytes the raw PutObject sends.
set -euo pipefail

SIZE_MB=512
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mb) SIZE_MB=$2; shift 2 ;;
    *) echo "s3-throughput: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
eval "$(bash "$ROOT/eng/services.sh" env)"
S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
[ -x "$S3LO" ] || { echo "s3-throughput: no binary at $S3LO (build/publish.sh)" >&2; exit 1; }
ENDPOINT=$S3LO_TEST_S3_ENDPOINT
TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-s3bench.XXXXXX")
BUCKET=s3lo-bench-$RANDOM$RANDOM
IMG=s3lo-bench-s3:$RANDOM
sigv4=(--aws-sigv4 "aws:amz:${AWS_REGION:-us-east-1}:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD")
# The bucket goes too: the test server keeps objects in RAM, and a full one stalls every write.
remove_bucket() {
  local keys
  keys=$(curl -sf "${sigv4[@]}" "$ENDPOINT/$BUCKET?list-type=2&max-keys=1000" | grep -o '<Key>[^<]*</Key>' | sed 's/<[^>]*>//g' || true)
  for key in $keys; do curl -sf "${sigv4[@]}" -X DELETE "$ENDPOINT/$BUCKET/$key" >/dev/null || true; done
  curl -sf "${sigv4[@]}" -X DELETE "$ENDPOINT/$BUCKET" >/dev/null || true
}
trap 'docker rmi -f "$IMG" >/dev/null 2>&1 || true; remove_bucket; rm -rf "$TMP"' EXIT

echo "s3-throughput: building a ${SIZE_MB} MB single-layer image" >&2
mkdir -p "$TMP/root/data"
half=$((SIZE_MB / 2))
{ head -c "$((half * 1048576))" /dev/urandom; (yes "s3lo benchmark line of compressible text" || true) | head -c "$(((SIZE_MB - half) * 1048576))"; } >"$TMP/root/data/payload"
tar -C "$TMP/root" -cf - . | docker import - "$IMG" >/dev/null
rm -rf "$TMP/root"

seconds() { local start=$1; awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", b / 1048576 / s; else print "n/a" }'; }

"$S3LO" init "s3://$BUCKET/" --endpoint "$ENDPOINT" >/dev/null
t=$(date +%s.%N); "$S3LO" push "$IMG" "s3://$BUCKET/bench:1" --endpoint "$ENDPOINT" --compression none >/dev/null 2>&1; push_s=$(seconds "$t")
layer_digest=$("$S3LO" inspect "s3://$BUCKET/bench:1" --endpoint "$ENDPOINT" --output json | tr -d ' \n' | sed 's/.*"layers":\[{"digest":"sha256:\([0-9a-f]*\)","size":\([0-9]*\).*/\1 \2/')
read -r hex bytes <<<"$layer_digest"

t=$(date +%s.%N); curl -sf "${sigv4[@]}" -o "$TMP/blob" "$ENDPOINT/$BUCKET/blobs/sha256/$hex"; get_s=$(seconds "$t")
t=$(date +%s.%N); curl -sf "${sigv4[@]}" -T "$TMP/blob" "$ENDPOINT/$BUCKET/raw/blob" >/dev/null; put_s=$(seconds "$t")
docker rmi -f "$IMG" >/dev/null
t=$(date +%s.%N); "$S3LO" pull "s3://$BUCKET/bench:1" "$IMG" --endpoint "$ENDPOINT" >/dev/null 2>&1; pull_s=$(seconds "$t")
t=$(date +%s.%N); docker save "$IMG" >"$TMP/image.tar"; docker rmi -f "$IMG" >/dev/null; docker load -i "$TMP/image.tar" >/dev/null; load_s=$(seconds "$t")

echo "s3 throughput: one ${bytes}-byte layer, Ceph RGW on loopback, $(nproc) cores, $("$S3LO" --version)"
printf '%-36s %8s %8s\n' step seconds "MB/s"
printf '%-36s %8s %8s\n' "raw PutObject (curl)" "$put_s" "$(mbps "$bytes" "$put_s")"
printf '%-36s %8s %8s\n' "s3lo push (export + upload)" "$push_s" "$(mbps "$bytes" "$push_s")"
printf '%-36s %8s %8s\n' "raw GetObject (curl)" "$get_s" "$(mbps "$bytes" "$get_s")"
printf '%-36s %8s %8s\n' "s3lo pull (download + docker load)" "$pull_s" "$(mbps "$bytes" "$pull_s")"
printf '%-36s %8s\n' "docker save + load (local floor)" "$load_s"
printf '%-36s %8s\n' "push / raw put" "$(awk -v a="$push_s" -v b="$put_s" 'BEGIN { printf "%.2f", a / b }')"
printf '%-36s %8s\n' "pull / raw get" "$(awk -v a="$pull_s" -v b="$get_s" 'BEGIN { printf "%.2f", a / b }')"
# shellcheck source=results.sh
. "$ROOT/eng/bench/results.sh"
# throughput ratios (raw time over s3lo time: 1 is as fast as a plain PutObject/GetObject)
bench_result ceph-push-speed/raw "$(awk -v a="$push_s" -v b="$put_s" 'BEGIN { printf "%.2f", b / a }')"
bench_result ceph-pull-speed/raw "$(awk -v a="$pull_s" -v b="$get_s" 'BEGIN { printf "%.2f", b / a }')"
