#!/usr/bin/env bash
# Registry copy benchmark (not part of the tests): copy an image from the local OCI registry into a
# local store with s3lo, against `skopeo copy --all` into an OCI layout, in ONE run.
#
#   eng/bench/registry-copy.sh [--size-mb N]      (default 512; needs: eng/services.sh start docker registry)
set -euo pipefail

SIZE_MB=512
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mb) SIZE_MB=$2; shift 2 ;;
    *) echo "registry-copy: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
eval "$(bash "$ROOT/eng/services.sh" env)"
S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-regbench.XXXXXX")
IMG=$S3LO_TEST_REGISTRY/s3lo-bench/copy:$RANDOM
trap 'docker rmi -f "$IMG" >/dev/null 2>&1 || true; [ -n "${KEEP:-}" ] || rm -rf "$TMP"' EXIT

echo "registry-copy: pushing a ${SIZE_MB} MB image in 4 layers to $S3LO_TEST_REGISTRY" >&2
for i in 1 2 3 4; do
  mkdir -p "$TMP/l$i"
  { head -c "$((SIZE_MB * 1048576 / 8))" /dev/urandom; (yes "registry copy benchmark $i" || true) | head -c "$((SIZE_MB * 1048576 / 8))"; } >"$TMP/l$i/data$i"
done
tar -C "$TMP/l1" -cf - . | docker import - "$IMG-base" >/dev/null
printf 'FROM %s\nCOPY l2 /l2\nCOPY l3 /l3\nCOPY l4 /l4\n' "$IMG-base" >"$TMP/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$IMG" "$TMP" >/dev/null 2>&1
docker rmi -f "$IMG-base" >/dev/null
docker push "$IMG" >/dev/null
rm -rf "$TMP"/l?

seconds() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }'; }
"$S3LO" init --local "$TMP/store" >/dev/null
t=$(date +%s.%N); "$S3LO" copy "$IMG" "local://$TMP/store/bench:1" >/dev/null; s3lo_s=$(seconds "$t")
t=$(date +%s.%N); skopeo copy --all --src-tls-verify=false -q "docker://$IMG" "oci:$TMP/layout:bench" >/dev/null; skopeo_s=$(seconds "$t")
t=$(date +%s.%N); "$S3LO" copy "$IMG" "oci:$TMP/layout2:bench" >/dev/null; s3lo_oci_s=$(seconds "$t")

echo "registry copy: ${SIZE_MB} MB image, 4 layers, local registry, $(nproc) cores, $("$S3LO" --version)"
printf '%-40s %8s\n' step seconds
printf '%-40s %8s\n' "s3lo copy registry -> local store" "$s3lo_s"
printf '%-40s %8s\n' "s3lo copy registry -> oci:" "$s3lo_oci_s"
printf '%-40s %8s\n' "skopeo copy --all registry -> oci:" "$skopeo_s"
printf '%-40s %8s\n' "s3lo (store) / skopeo" "$(awk -v a="$s3lo_s" -v b="$skopeo_s" 'BEGIN { printf "%.2f", a / b }')"
printf '%-40s %8s\n' "s3lo (oci) / skopeo" "$(awk -v a="$s3lo_oci_s" -v b="$skopeo_s" 'BEGIN { printf "%.2f", a / b }')"
# shellcheck source=results.sh
. "$ROOT/eng/bench/results.sh"
bench_result copy-oci/skopeo "$(awk -v a="$s3lo_oci_s" -v b="$skopeo_s" 'BEGIN { printf "%.2f", a / b }')"
bench_result copy-store/skopeo "$(awk -v a="$s3lo_s" -v b="$skopeo_s" 'BEGIN { printf "%.2f", a / b }')"
