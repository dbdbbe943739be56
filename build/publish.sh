#!/usr/bin/env bash
# Publish the s3lo CLI as one Native AOT executable: artifacts/<RID>/s3lo (Release).
#
#   build/publish.sh [RID]          RID defaults to linux-x64 (needs clang and zlib1g-dev:
#                                   eng/services.sh install build)
#
# Fails when the publish reports any trim/AOT warning (IL2xxx/IL3xxx) other than the two
# accepted ones from third-party assemblies that cannot be annotated: the aggregated IL2104 /
# IL3053 of Cocona (rooted whole, mandated by the design) and of Google's REST stack
# (Google.Apis, Google.Apis.Core, Newtonsoft.Json; GCS works with Google.Apis.Storage.v1 rooted),
# and IL3002 in Google's user-agent builder (GetEntryAssembly inside a try/catch).
# The full log is kept in artifacts/publish-<RID>.log.
set -euo pipefail

RID=${1:-linux-x64}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

PROJECT=cli/S3lo.Cli/S3lo.Cli.csproj
EXE=s3lo; case "$RID" in win-*) EXE=s3lo.exe ;; esac
OUT=$ROOT/artifacts/$RID
LOG=$ROOT/artifacts/publish-$RID.log
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

mkdir -p "$ROOT/artifacts"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/s3lo-publish.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# ILC only reports its warnings when it runs: drop its incremental output so that an
# unchanged tree still shows (and is checked for) every IL warning.
rm -rf "cli/S3lo.Cli/obj/Release/net10.0/$RID/native"

rm -f "$LOG"
echo "publish: $PROJECT -r $RID (log: ${LOG#"$ROOT"/})"
t0=$SECONDS
set +e
# MSBuild's file logger writes each message whole; the console stream can interleave
# stdout and stderr mid-line, which would hide or split a warning.
dotnet publish "$PROJECT" -c Release -r "$RID" -o "$TMP/out" -nologo -tl:off -v:minimal \
  -fl "-flp:LogFile=$LOG;Verbosity=normal;Encoding=UTF-8" >"$TMP/console.log" 2>&1
rc=$?
[ -s "$LOG" ] || cp "$TMP/console.log" "$LOG"   # dotnet failed before MSBuild started
set -e
# warnings and errors, each once (msbuild repeats them in its summary)
diag=$(grep -E ': (warning|error) |(warning|error) IL[0-9]{4}' "$LOG" \
       | sed -E 's/^[[:space:]]*([0-9]+>)?//' | sort -u || true)
[ -z "$diag" ] || echo "$diag"
if [ $rc -ne 0 ]; then
  [ -n "$diag" ] || tail -n 20 "$TMP/console.log"
  rm -f "$OUT/$EXE"   # no stale binary survives a failed publish
  echo "publish: FAILED (dotnet publish exit $rc; log: ${LOG#"$ROOT"/})" >&2
  exit 1
fi

# Trim/AOT warnings other than the accepted third-party ones fail the publish.
bad=$(grep -E '(warning|error) IL[23][0-9]{3}' <<<"$diag" \
      | grep -vE "(IL2104|IL3053): Assembly '(Cocona(\.Core)?|Google\.Apis(\.Core)?|Newtonsoft\.Json)' produced" \
      | grep -vE "IL3002: Google\.Apis\.Requests\.VersionHeaderBuilder\.GetEntryAssemblyVersionOrNull" || true)
if [ -n "$bad" ]; then
  rm -f "$OUT/$EXE"
  echo "publish: FAILED: trim/AOT warnings other than the accepted third-party ones:" >&2
  echo "$bad" >&2
  exit 1
fi

[ -f "$TMP/out/$EXE" ] || { echo "publish: FAILED: $TMP/out/$EXE was not produced" >&2; ls -la "$TMP/out" >&2; exit 1; }
# the folder holds the executable alone; replace it atomically (it may be running)
mkdir -p "$OUT"
find "$OUT" -mindepth 1 -maxdepth 1 ! -name "$EXE" -exec rm -rf {} +
cp "$TMP/out/$EXE" "$OUT/.$EXE.new.$$"
chmod +x "$OUT/.$EXE.new.$$"
mv -f "$OUT/.$EXE.new.$$" "$OUT/$EXE"
size=$(stat -c %s "$OUT/$EXE")
echo "publish: ${OUT#"$ROOT"/}/$EXE $(awk -v b="$size" 'BEGIN{printf "%.1f MB", b/1048576}') ($size bytes) in $((SECONDS - t0)) s"
