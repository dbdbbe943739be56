# Sourced by push-pull.sh and pull-paths.sh: build_bench_image builds the benchmark image they share.
# Needs TMP (a scratch directory), IMG, BASE (a name for the imported base layer), LAYERS, LAYER_MB and
# die() from the caller; sets NLAYERS, IMG_BYTES and IMG_ID. The image has a docker-import base layer and
# LAYERS-1 COPY layers (classic builder) of LAYER_MB each: 1 MiB blocks of 384 KiB random + 640 KiB
# log-like text (the same text in every block), which gzip -6 halves (the text alone ~5.5x).
build_bench_image() {
  local text=$TMP/text.blk i
  awk 'BEGIN { for (i = 0; i < 9000; i++)
    printf "%08d INFO s3lo.bench[%d]: pushed layer sha256:%08x%08x in %d ms (the quick brown fox)\n",
           i, i % 97, i * 2654435761 % 4294967296, i * 40503 % 65536, i * 7919 % 1000 }' >"$text"
  truncate -s 655360 "$text"
  mkdir -p "$TMP/base/data" "$TMP/ctx"
  bench_file "$TMP/base/data/layer0.bin" "$LAYER_MB" "$text"
  tar -C "$TMP/base" -cf - data | docker import - "$BASE" >/dev/null
  rm -rf "$TMP/base"
  {
    echo "FROM $BASE"
    for ((i = 1; i < LAYERS; i++)); do
      bench_file "$TMP/ctx/layer$i.bin" "$LAYER_MB" "$text"
      echo "COPY layer$i.bin /data/layer$i.bin"
    done
  } >"$TMP/ctx/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q -t "$IMG" "$TMP/ctx" >"$TMP/build.log" 2>&1 \
    || { cat "$TMP/build.log" >&2; die "docker build failed"; }
  rm -rf "$TMP/ctx" "$text"
  read -r NLAYERS IMG_BYTES < <(docker image inspect -f '{{len .RootFS.Layers}} {{.Size}}' "$IMG")
  IMG_ID=$(docker image inspect -f '{{.Id}}' "$IMG")
}

bench_file() { # bench_file PATH MB TEXT_BLOCK
  local i
  for ((i = 0; i < $2; i++)); do
    if command -v openssl >/dev/null; then openssl rand 393216; else head -c 393216 /dev/urandom; fi
    cat "$3"
  done >"$1"
}
