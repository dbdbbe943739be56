#!/usr/bin/env bash
# The README's first command: build the native binary and run the main job on a local:// store.
#
#   eng/quickstart.sh            (re-runnable; leaves ./demo-store behind for you to explore)
#
# Without a Docker daemon: copies the bundled alpine (a real s3lo v1 store) into a new store,
# lists and inspects it. With one (DOCKER_HOST or /var/run/docker.sock): also pulls the image
# into the daemon and pushes it back under a new tag: the pull taught the store which blob holds
# each layer, so the push uploads nothing and does not even export the image.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
command -v clang >/dev/null || { echo "quickstart: Native AOT needs clang and zlib1g-dev (eng/services.sh install build)" >&2; exit 1; }
bash build/publish.sh
S3LO=$ROOT/artifacts/linux-x64/s3lo
STORE=$ROOT/demo-store
FIXTURE=$ROOT/tests/fixtures/s3lo-v1-store

run() { echo "+ s3lo $*"; "$S3LO" "$@"; }

"$S3LO" --version
run init --local "$STORE"
run copy "local://$FIXTURE/alpine:latest" "local://$STORE/alpine:3.23.3" --platform linux/amd64
run list "local://$STORE/"
run inspect "local://$STORE/alpine:3.23.3"

sock=${DOCKER_HOST:-unix:///var/run/docker.sock}
if curl -sf --max-time 2 --unix-socket "${sock#unix://}" http://docker/_ping >/dev/null 2>&1; then
  run pull "local://$STORE/alpine:3.23.3" s3lo-demo/alpine:3.23.3
  run push s3lo-demo/alpine:3.23.3 "local://$STORE/alpine:again"
  run list "local://$STORE/"
else
  echo "quickstart: no Docker daemon at $sock: skipped pull and push (eng/services.sh start docker starts one)"
fi
echo "quickstart: done; the store is $STORE"
