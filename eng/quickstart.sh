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
# Native AOT links with clang against zlib: install both when missing (root on Debian/Ubuntu),
# else say exactly what to install.
have_build_tools() { command -v clang >/dev/null && { [ -e /usr/include/zlib.h ] || dpkg -s zlib1g-dev >/dev/null 2>&1; }; }
if ! have_build_tools; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "quickstart: installing clang and zlib1g-dev for Native AOT (apt-get)"
    bash eng/services.sh install build
  else
    echo "quickstart: Native AOT needs clang and zlib1g-dev: sudo apt-get install clang zlib1g-dev (or your OS's packages)" >&2
    exit 1
  fi
fi
command -v dotnet >/dev/null || { echo "quickstart: the .NET 10 SDK is required (https://dot.net)" >&2; exit 1; }

# The publish log is shown only when the publish fails.
echo "quickstart: publishing the native binary (about a minute the first time)"
publish_out=$(mktemp)
trap 'rm -f "$publish_out"' EXIT
if ! bash build/publish.sh >"$publish_out" 2>&1; then
  cat "$publish_out" >&2
  exit 1
fi
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
echo
echo "next:"
next() { printf '  %-62s # %s\n' "$1" "$2"; }
next "export PATH=\"$ROOT/artifacts/linux-x64:\$PATH\"" "s3lo on your PATH"
next "s3lo --help" "commands, flags, reference syntax"
next "s3lo copy alpine:3.23 local://$STORE/alpine:3.23" "from Docker Hub, no Docker needed"
next "s3lo push IMAGE:TAG s3://BUCKET/IMAGE:TAG" "AWS credentials as the aws CLI finds them"
next ".ci/run" "the whole test suite"
