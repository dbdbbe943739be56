#!/usr/bin/env bash
# The test command: publish the native CLI, run every test project, print one summary line.
#
#   eng/test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Docker]
#
# Expects the services to be running and their environment exported:
#   eng/services.sh start docker registry && eval "$(eng/services.sh env)"
# (when DOCKER_HOST is unset and the services' docker.sock exists, it is used).
#   S3LO_SKIP_PUBLISH=1    reuse artifacts/linux-x64/s3lo instead of running build/publish.sh
#   S3LO_TEST_HANG_TIMEOUT a test that runs longer aborts its project (default 20m)
# End-to-end tests run the binary named by S3LO_BINARY (set here to artifacts/linux-x64/s3lo).
# The last line printed is always:  tests: N passed, M failed[, K skipped]
# Exit status is non-zero when a test failed, the run errored, or no test ran; an errored run
# (build error, crashed test host, nothing ran) with no failed test is counted as 1 failed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Tests never reach the link-local instance-metadata address; the IMDS test uses a loopback stand-in.
export AWS_EC2_METADATA_DISABLED=true NO_GCE_CHECK=true

RESULTS=$ROOT/artifacts/test-results
export S3LO_BINARY=$ROOT/artifacts/linux-x64/s3lo

summary() { # summary PASSED FAILED SKIPPED
  local line="tests: $1 passed, $2 failed"
  [ "$3" -gt 0 ] && line+=", $3 skipped"
  echo "$line"
}

if [ -z "${DOCKER_HOST:-}" ]; then
  sock=${S3LO_SVC_DIR:-/tmp/s3lo-services}/docker/docker.sock
  if [ -S "$sock" ]; then export DOCKER_HOST=unix://$sock; fi
fi

if [ "${S3LO_SKIP_PUBLISH:-0}" != 1 ]; then
  if ! bash "$ROOT/build/publish.sh" linux-x64; then
    echo "test: build/publish.sh failed" >&2
    summary 0 1 0
    exit 1
  fi
fi

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
set +e
dotnet test s3lo.sln -c Release -nologo -tl:off \
  --logger "trx;LogFilePrefix=r" --results-directory "$RESULTS" \
  --blame-hang-timeout "${S3LO_TEST_HANG_TIMEOUT:-20m}" --blame-hang-dump-type none \
  "$@"
rc=$?
set -e

# Sum the <Counters .../> of every .trx written by this run.
passed=0 failed=0 skipped=0 executed=0 files=0
attr() { # attr NAME COUNTERS_ELEMENT -> the attribute's number, 0 when absent
  local v
  v=$(sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p" <<<"$2" | head -1)
  echo "${v:-0}"
}
while IFS= read -r -d '' trx; do
  files=$((files + 1))
  counters=$(tr '\n' ' ' <"$trx" | grep -o '<Counters [^>]*>' | head -1 || true)
  if [ -z "$counters" ]; then echo "test: no <Counters> in $trx" >&2; [ "$rc" -ne 0 ] || rc=1; continue; fi
  passed=$((passed + $(attr passed "$counters")))
  executed=$((executed + $(attr executed "$counters")))
  # skipped: the VSTest trx logger leaves notExecuted at 0 for NUnit's ignored, explicit and
  # inconclusive tests; they show only as total - executed
  t=$(attr total "$counters"); e=$(attr executed "$counters"); n=$(attr notExecuted "$counters")
  [ $((t - e)) -gt "$n" ] && n=$((t - e))
  skipped=$((skipped + n))
  for a in failed error timeout aborted; do failed=$((failed + $(attr "$a" "$counters"))); done
done < <(find "$RESULTS" -name '*.trx' -print0)

status=0
if [ "$rc" -ne 0 ]; then echo "test: dotnet test exited with $rc" >&2; status=1; fi
if [ "$files" -eq 0 ]; then echo "test: no .trx results in ${RESULTS#"$ROOT"/}" >&2; status=1; fi
if [ "$failed" -gt 0 ]; then status=1; fi
if [ "$executed" -eq 0 ] && [ "$passed" -eq 0 ]; then echo "test: no test ran" >&2; status=1; fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # a build error, a crashed test host or an empty run must not read as "0 failed"
  echo "test: the run errored; counted as 1 failed" >&2
  failed=1
fi
summary "$passed" "$failed" "$skipped"
exit $status
