# Sourced by the benches: bench_result KEY VALUE records one figure for eng/bench/speed.sh's table.
# A no-op unless S3LO_BENCH_RESULTS names a file (speed.sh sets it); KEY has no spaces, VALUE is a number.
bench_result() {
  [ -n "${S3LO_BENCH_RESULTS:-}" ] || return 0
  printf '%s\t%s\n' "$1" "$2" >>"$S3LO_BENCH_RESULTS"
}
