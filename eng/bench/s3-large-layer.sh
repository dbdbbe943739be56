#!/usr/bin/env bash
# Large-blob benchmark (not part of the tests): one image with a single N GB layer (default 6) is
# pushed to S3 (Ceph RGW, multipart upload), pulled back and compared by image ID; peak RSS and
# times are printed. Needs Ceph on bluestore (memstore caps at 4 GiB):
#   CEPH_OBJECTSTORE=bluestore eng/services.sh start s3   (plus docker)
#
#   eng/bench/s3-large-layer.sh [--size-gb N]
set -euo pipefail

SIZE_GB=6
while [ $# -gt 0 ]; do
  case "$1" in
    --size-gb) SIZE_GB=$2; shift 2 ;;
    *) echo "s3-large-layer: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
eval "$(bash "$ROOT/eng/services.sh" env)"
S3LO=${S3LO_BINARY:-$ROOT/artifacts/linux-x64/s3lo}
[ -x /usr/bin/time ] || bash "$ROOT/eng/services.sh" install bench
BUCKET=s3lo-large-$RANDOM$RANDOM
IMG=s3lo-bench-large:$RANDOM
trap 'docker rmi -f "$IMG" >/dev/null 2>&1 || true' EXIT

echo "s3-large-layer: importing a ${SIZE_GB} GB single-layer image (random-ish: urandom blocks repeated)" >&2
# One random MiB repeated with a counter: incompressible enough, cheap to generate, streamed into the import.
python3 - "$SIZE_GB" <<'PY' | docker import - "$IMG" >/dev/null
import io, os, sys, tarfile
size = int(sys.argv[1]) << 30
block = os.urandom(1 << 20)
class Payload(io.RawIOBase):
    def __init__(self): self.left = size; self.n = 0
    def readable(self): return True
    def readinto(self, b):
        if self.left == 0: return 0
        chunk = (self.n.to_bytes(8, "little") + block[8:])[:min(len(b), self.left, 1 << 20)]
        b[:len(chunk)] = chunk; self.left -= len(chunk); self.n += 1
        return len(chunk)
with tarfile.open(fileobj=sys.stdout.buffer, mode="w|") as tar:
    info = tarfile.TarInfo("data/large.bin"); info.size = size
    tar.addfile(info, io.BufferedReader(Payload(), 1 << 20))
PY
id=$(docker image inspect -f '{{.Id}}' "$IMG")

"$S3LO" init "s3://$BUCKET/" --endpoint "$S3LO_TEST_S3_ENDPOINT" >/dev/null
/usr/bin/time -f '%e %M' -o /tmp/s3lo-large.push "$S3LO" push "$IMG" "s3://$BUCKET/large:1" --endpoint "$S3LO_TEST_S3_ENDPOINT" --compression none >/dev/null
docker rmi -f "$IMG" >/dev/null
/usr/bin/time -f '%e %M' -o /tmp/s3lo-large.pull "$S3LO" pull "s3://$BUCKET/large:1" "$IMG" --endpoint "$S3LO_TEST_S3_ENDPOINT" >/dev/null
back=$(docker image inspect -f '{{.Id}}' "$IMG")
read -r push_s push_kb </tmp/s3lo-large.push
read -r pull_s pull_kb </tmp/s3lo-large.pull
echo "s3 large layer: ${SIZE_GB} GB, multipart to Ceph RGW, $(nproc) cores"
echo "push: ${push_s} s, peak RSS $((push_kb / 1024)) MB"
echo "pull: ${pull_s} s, peak RSS $((pull_kb / 1024)) MB"
if [ "$back" = "$id" ]; then echo "PASS image ID after the round trip: $id"; else echo "FAIL image ID $back, expected $id"; exit 1; fi
