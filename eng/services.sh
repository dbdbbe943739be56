#!/usr/bin/env bash
# The real servers s3lo's tests talk to, all on 127.0.0.1 (run as root: apt, dockerd, ceph).
#
#   eng/services.sh install [GROUP...]  apt + npm installs, idempotent (default: every group)
#                                       groups: docker    docker.io skopeo
#                                               registry  docker-registry apache2-utils
#                                               s3        ceph-mon ceph-osd radosgw ceph-common uuid-runtime iproute2
#                                               azure     npm azurite 3.37.0
#                                               gcs       npm firebase-tools 15.34.2
#                                               build     clang zlib1g-dev curl (Native AOT publish)
#                                               bench     time python3-boto3 (GNU /usr/bin/time, and boto3 for
#                                                         eng/bench/clean-bucket.py)
#                                       apt/npm output goes to $S3LO_INSTALL_LOG; its tail is shown on failure.
#   eng/services.sh start [NAME...]     start docker s3 azure gcs registry (default: all) and wait until
#                                       ready; a service that already answers is left as it is.
#                                       s3 = a one-node Ceph cluster with the RADOS Gateway (real S3 API)
#   eng/services.sh env                 print the export lines the tests need:  eval "$(eng/services.sh env)"
#   eng/services.sh status              which services answer
#   eng/services.sh stop                stop what start started (by saved PID) and delete its data
#
# State lives in $S3LO_SVC_DIR (default /tmp/s3lo-services). Ports are overridable:
# S3_PORT 39380, AZ_PORT 39100, GCS_PORT 39200, REG_PORT 39500, REG_AUTH_PORT 39501
# (Ceph also uses CEPH_MON_PORT 39300 and CEPH_OSD_PORT_MIN..MAX 39310..39329).
set -euo pipefail

SVC_DIR=${S3LO_SVC_DIR:-/tmp/s3lo-services}
NPM_DIR=${S3LO_NPM_DIR:-$HOME/.cache/s3lo-test-npm}
INSTALL_LOG=${S3LO_INSTALL_LOG:-${TMPDIR:-/tmp}/s3lo-services-install.log}
S3_PORT=${S3_PORT:-39380}
AZ_PORT=${AZ_PORT:-39100}
GCS_PORT=${GCS_PORT:-39200}
REG_PORT=${REG_PORT:-39500}
REG_AUTH_PORT=${REG_AUTH_PORT:-39501}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DOCKER_SOCK=$SVC_DIR/docker/docker.sock

ALL_GROUPS=(docker registry s3 azure gcs build bench)
ALL_SERVICES=(docker s3 azure gcs registry)

log() { echo "services: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

wait_until() { # wait_until SECONDS CMD...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# ------------------------------------------------------------------------------ install
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

apt_install() { # apt_install PKG...   installs the missing ones; apt-get update only when something is missing
  local need=() p
  for p in "$@"; do pkg_installed "$p" || need+=("$p"); done
  [ ${#need[@]} -gt 0 ] || return 0
  log "apt-get install ${need[*]} (log: $INSTALL_LOG)"
  local t0=$SECONDS apt=(apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Use-Pty=0)
  if ! { echo "== $(date) apt-get update + install ${need[*]}"
         "${apt[@]}" update -q &&
         DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends "${need[@]}"
       } >>"$INSTALL_LOG" 2>&1; then
    tail -n 30 "$INSTALL_LOG" >&2
    die "apt-get install ${need[*]} failed (full log: $INSTALL_LOG)"
  fi
  log "apt-get done in $((SECONDS - t0)) s"
}

npm_install() { # npm_install MODULE@VERSION...   into $NPM_DIR, only the missing ones
  local need=() spec
  for spec in "$@"; do
    local name=${spec%@*} want=${spec##*@} have=""
    [ -f "$NPM_DIR/node_modules/$name/package.json" ] &&
      have=$(sed -n 's/^  "version": "\(.*\)",*$/\1/p' "$NPM_DIR/node_modules/$name/package.json" | head -1)
    [ "$have" = "$want" ] || need+=("$spec")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  command -v npm >/dev/null || apt_install nodejs npm
  mkdir -p "$NPM_DIR"
  [ -f "$NPM_DIR/package.json" ] || echo '{"private":true}' >"$NPM_DIR/package.json"
  log "npm install ${need[*]} into $NPM_DIR (log: $INSTALL_LOG)"
  local t0=$SECONDS
  if ! { echo "== $(date) npm install ${need[*]}"
         cd "$NPM_DIR" && npm install --no-audit --no-fund --loglevel=error "${need[@]}"
       } >>"$INSTALL_LOG" 2>&1; then
    tail -n 30 "$INSTALL_LOG" >&2
    die "npm install ${need[*]} failed (full log: $INSTALL_LOG)"
  fi
  log "npm done in $((SECONDS - t0)) s"
}

install() {
  local groups=("$@") pkgs=(curl) npms=() g
  [ ${#groups[@]} -gt 0 ] || groups=("${ALL_GROUPS[@]}")
  for g in "${groups[@]}"; do
    case "$g" in
      all)      pkgs+=(docker.io skopeo docker-registry apache2-utils ceph-mon ceph-osd radosgw ceph-common
                       uuid-runtime iproute2 clang zlib1g-dev time python3-boto3 tmux)
                npms+=(azurite@3.37.0 firebase-tools@15.34.2) ;;
      docker)   pkgs+=(docker.io skopeo tmux) ;;
      registry) pkgs+=(docker-registry apache2-utils) ;;
      s3)       pkgs+=(ceph-mon ceph-osd radosgw ceph-common uuid-runtime iproute2) ;;
      azure)    npms+=(azurite@3.37.0) ;;
      gcs)      npms+=(firebase-tools@15.34.2) ;;
      build)    pkgs+=(clang zlib1g-dev) ;;
      bench)    pkgs+=(time python3-boto3) ;;
      *) die "unknown install group '$g' (groups: ${ALL_GROUPS[*]})" ;;
    esac
  done
  apt_install "${pkgs[@]}"
  [ ${#npms[@]} -eq 0 ] || npm_install "${npms[@]}"
}

# ------------------------------------------------------------------------------ processes
# A pid file holds "PID STARTTIME"; the start time (field 22 of /proc/PID/stat) guards against
# PID reuse, so stop never signals a process that start did not start.
proc_starttime() { [ -r "/proc/$1/stat" ] && sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f20; }

gone() { # gone PID -> 0 when the process no longer exists (or is a zombie waiting for its reaper)
  [ -e "/proc/$1" ] || return 0
  [ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ]
}

pid_alive() { # pid_alive NAME -> 0 when the process recorded in $SVC_DIR/NAME.pid still runs
  local f=$SVC_DIR/$1.pid pid st
  [ -s "$f" ] || return 1
  read -r pid st <"$f" || true
  [ -n "${pid:-}" ] && ! gone "$pid" || return 1
  # a bare "PID" (written by an older launcher) is trusted as it is
  [ -z "${st:-}" ] || [ "$(proc_starttime "$pid" 2>/dev/null)" = "$st" ]
}

spawn() { # spawn NAME LOGFILE CMD...   detached (own session, no stdin), PID saved in $SVC_DIR/NAME.pid
  local name=$1 logf=$2; shift 2
  setsid "$@" </dev/null >"$logf" 2>&1 &
  local pid=$!
  echo "$pid $(proc_starttime "$pid")" >"$SVC_DIR/$name.pid"
}

stop_pid() { # stop_pid NAME   SIGTERM, wait up to 20 s, then SIGKILL
  local f=$SVC_DIR/$1.pid pid st
  [ -e "$f" ] || return 0
  if pid_alive "$1"; then
    read -r pid st <"$f"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until 20 gone "$pid"; then
      log "$1 (pid $pid) did not stop after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_until 10 gone "$pid" || true
    fi
  fi
  rm -f "$f"
}

# ------------------------------------------------------------------------------ readiness probes
docker_up()        { curl -sf -m 2 --unix-socket "$DOCKER_SOCK" http://d/_ping; }
s3_up()            { [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$S3_PORT/")" = 200 ]; }
azure_up()         { curl -s -o /dev/null -m 2 "http://127.0.0.1:$AZ_PORT/devstoreaccount1?comp=list"; }
gcs_up()           { curl -sf -m 2 -o /dev/null "http://127.0.0.1:$GCS_PORT/b"; }
registry_open_up() { curl -sf -m 2 -o /dev/null "http://127.0.0.1:$REG_PORT/v2/"; }
registry_auth_up() { [ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$REG_AUTH_PORT/v2/")" = 401 ]; }
registry_up()      { registry_open_up && registry_auth_up; }

# ------------------------------------------------------------------------------ services
start_docker() {
  mkdir -p "$SVC_DIR/docker"
  # vfs storage driver, no iptables/bridge (no containers are run), its own socket and roots.
  # a stale dockerd.pid naming a reused PID would make dockerd refuse to start
  pid_alive docker || { rm -f "$SVC_DIR/docker/dockerd.pid"; spawn docker "$SVC_DIR/docker/log" \
    dockerd --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
      --data-root "$SVC_DIR/docker/data" --exec-root "$SVC_DIR/docker/exec" \
      --pidfile "$SVC_DIR/docker/dockerd.pid" -H "unix://$DOCKER_SOCK"; }
  wait_until 60 docker_up || { tail -20 "$SVC_DIR/docker/log" >&2; return 1; }
}

start_s3() {
  # Ceph RGW: validates SigV4, supports multipart list/abort, conditional writes (412),
  # presigned URLs; rejects the AWS SDK's default aws-chunked trailer uploads and the
  # INTELLIGENT_TIERING storage class, as a real Ceph deployment does.
  # memstore keeps objects in RAM (4 GiB default); CEPH_OBJECTSTORE=bluestore for big suites.
  CEPH_MON_PORT=${CEPH_MON_PORT:-39300} CEPH_OSD_PORT_MIN=${CEPH_OSD_PORT_MIN:-39310} \
  CEPH_OSD_PORT_MAX=${CEPH_OSD_PORT_MAX:-39329} S3_ACCESS_KEY=AKIATEST S3_SECRET_KEY=secretsecret \
    bash "$HERE/ceph/start-ceph-rgw.sh" "$SVC_DIR/ceph" "$S3_PORT" >"$SVC_DIR/ceph-start.log" 2>&1 \
    || { cat "$SVC_DIR/ceph-start.log" >&2; return 1; }
}

start_azure() {
  [ -f "$NPM_DIR/node_modules/azurite/dist/src/blob/main.js" ] || die "azurite missing: run eng/services.sh install azure"
  mkdir -p "$SVC_DIR/azure/data"
  pid_alive azure || spawn azure "$SVC_DIR/azure/log" \
    node "$NPM_DIR/node_modules/azurite/dist/src/blob/main.js" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" \
      --location "$SVC_DIR/azure/data" --skipApiVersionCheck --loose --disableTelemetry --silent
  wait_until 30 azure_up || { cat "$SVC_DIR/azure/log" >&2; return 1; }
}

start_gcs() {
  [ -d "$NPM_DIR/node_modules/firebase-tools" ] || die "firebase-tools missing: run eng/services.sh install gcs"
  mkdir -p "$SVC_DIR/gcs/tmp" "$SVC_DIR/gcs/home"
  # One TMPDIR per instance: the emulator keeps blobs there and deletes them on stop.
  pid_alive gcs || spawn gcs "$SVC_DIR/gcs/log" \
    env TMPDIR="$SVC_DIR/gcs/tmp" HOME="$SVC_DIR/gcs/home" NO_UPDATE_NOTIFIER=1 \
      FIREBASE_TOOLS_MODULES="$NPM_DIR/node_modules" \
      node "$HERE/gcs/gcs-emulator.js" "$GCS_PORT" 127.0.0.1 --patch
  wait_until 30 gcs_up || { cat "$SVC_DIR/gcs/log" >&2; return 1; }
}

start_registry() {
  mkdir -p "$SVC_DIR/registry"
  if ! registry_open_up; then
    cat >"$SVC_DIR/registry/open.yml" <<EOF
version: 0.1
storage: {filesystem: {rootdirectory: $SVC_DIR/registry/open-data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$REG_PORT}
EOF
    pid_alive registry-open || spawn registry-open "$SVC_DIR/registry/open.log" \
      docker-registry serve "$SVC_DIR/registry/open.yml"
  fi
  if ! registry_auth_up; then
    htpasswd -Bbc "$SVC_DIR/registry/htpasswd" testuser testpassword >/dev/null 2>&1
    cat >"$SVC_DIR/registry/auth.yml" <<EOF
version: 0.1
storage: {filesystem: {rootdirectory: $SVC_DIR/registry/auth-data}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$REG_AUTH_PORT}
auth: {htpasswd: {realm: s3lo-test, path: $SVC_DIR/registry/htpasswd}}
EOF
    pid_alive registry-auth || spawn registry-auth "$SVC_DIR/registry/auth.log" \
      docker-registry serve "$SVC_DIR/registry/auth.yml"
  fi
  wait_until 30 registry_open_up || { cat "$SVC_DIR/registry/open.log" >&2; return 1; }
  wait_until 30 registry_auth_up || { cat "$SVC_DIR/registry/auth.log" >&2; return 1; }
}

start() {
  local names=("$@") n t0
  [ ${#names[@]} -gt 0 ] || names=("${ALL_SERVICES[@]}")
  for n in "${names[@]}"; do
    case " ${ALL_SERVICES[*]} " in *" $n "*) ;; *) die "unknown service '$n' (services: ${ALL_SERVICES[*]})" ;; esac
  done
  mkdir -p "$SVC_DIR"
  for n in "${names[@]}"; do
    if "${n}_up" >/dev/null 2>&1; then log "$n already answering"; continue; fi
    t0=$(date +%s.%N)
    "start_$n" || die "$n failed to start (state: $SVC_DIR)"
    log "$n ready ($(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s)"
  done
}

status() {
  local n rc=0
  for n in "${ALL_SERVICES[@]}"; do
    if "${n}_up" >/dev/null 2>&1; then echo "$n: up"; else echo "$n: down"; rc=1; fi
  done
  return $rc
}

print_env() {
  cat <<EOF
export DOCKER_HOST=unix://$DOCKER_SOCK
export S3LO_TEST_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export AWS_ACCESS_KEY_ID=AKIATEST AWS_SECRET_ACCESS_KEY=secretsecret AWS_REGION=us-east-1
export S3LO_TEST_AZURE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZ_PORT/devstoreaccount1;'
export STORAGE_EMULATOR_HOST=http://127.0.0.1:$GCS_PORT
export S3LO_TEST_REGISTRY=127.0.0.1:$REG_PORT
export S3LO_TEST_REGISTRY_AUTH=127.0.0.1:$REG_AUTH_PORT S3LO_TEST_REGISTRY_USER=testuser S3LO_TEST_REGISTRY_PASSWORD=testpassword
EOF
}

stop_all() {
  case "$SVC_DIR" in /|'') die "refusing to use S3LO_SVC_DIR='$SVC_DIR'" ;; esac
  [ -d "$SVC_DIR" ] || return 0
  [ -d "$SVC_DIR/ceph" ] && { bash "$HERE/ceph/stop-ceph-rgw.sh" "$SVC_DIR/ceph" >/dev/null 2>&1 || true; }
  local f n
  for f in "$SVC_DIR"/*.pid; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .pid)
    stop_pid "$n"
  done
  rm -rf --one-file-system -- "$SVC_DIR"
  log "stopped; removed $SVC_DIR"
}

cmd=${1:-}; shift || true
case "$cmd" in
  install) install "$@" ;;
  start)   start "$@" ;;
  env)     print_env ;;
  status)  status ;;
  stop)    stop_all ;;
  *) echo "usage: $0 install [${ALL_GROUPS[*]}]|start [${ALL_SERVICES[*]}]|env|status|stop" >&2; exit 2 ;;
esac
