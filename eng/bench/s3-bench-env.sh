# Sourced by the benches that fill a Ceph bucket with eng/bench/clean-bucket.py (clean.sh, list-stats.sh).
# Needs ROOT and die() from the caller. Sets ENDPOINT (the S3 service, which must answer) and PY (the first
# python with boto3: a pyenv one on PATH, else Debian's); installs GNU time and boto3 when missing.
[ -n "${S3LO_TEST_S3_ENDPOINT:-}" ] || eval "$(bash "$ROOT/eng/services.sh" env)"
ENDPOINT=$S3LO_TEST_S3_ENDPOINT
[ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$ENDPOINT/" || true)" = 200 ] \
  || die "no S3 service answers at $ENDPOINT: eng/services.sh start s3; eval \"\$(eng/services.sh env)\""
PY=python3
if [ ! -x /usr/bin/time ] || ! python3 -c 'import boto3' 2>/dev/null; then
  bash "$ROOT/eng/services.sh" install bench
  python3 -c 'import boto3' 2>/dev/null || PY=/usr/bin/python3
fi
