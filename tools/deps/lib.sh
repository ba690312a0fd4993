# shellcheck shell=bash disable=SC2034  # (settings below are used by the scripts sourcing this)
# Shared helpers for tools/deps/*.sh. Source it; don't run it.
DEPS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../versions.env
source "$DEPS_HERE/../versions.env"

STATE_DIR=${BERTH_DEPS_DIR:-/tmp/berth-deps}
PG_PORT=${BERTH_PG_PORT:-55432}
NATS_PORT=${BERTH_NATS_PORT:-54222}
NATS_MONITOR_PORT=${BERTH_NATS_MONITOR_PORT:-58222}
S3_PORT=${BERTH_S3_PORT:-58333}
# SeaweedFS internals; set explicitly because weed derives gRPC ports as http+10000 (>65535 here).
WEED_MASTER_PORT=${BERTH_WEED_MASTER_PORT:-58090}
WEED_VOLUME_PORT=${BERTH_WEED_VOLUME_PORT:-58080}
WEED_FILER_PORT=${BERTH_WEED_FILER_PORT:-58888}
S3_ACCESS_KEY=berthtest
S3_SECRET_KEY=berthtestsecret
S3_BUCKET=berth
S3_REGION=us-east-1

log() { printf '[deps] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# lock_or_reexec "$@": re-run the calling script under flock so concurrent up/down runs take turns.
# flock -o keeps the lock fd out of the daemons we start (they would hold it forever).
lock_or_reexec() {
  if [[ -n ${BERTH_DEPS_LOCKED:-} ]]; then unset BERTH_DEPS_LOCKED; return 0; fi
  mkdir -p "$STATE_DIR"
  BERTH_DEPS_LOCKED=1 exec flock -o "$STATE_DIR/.lock" bash "$0" "$@"
}

# as_root CMD...: apt-get etc. need root; use sudo when we are not.
as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port PORT NAME [SECONDS] [PID]: fail early if PID dies meanwhile.
wait_port() {
  local port=$1 name=$2 secs=${3:-60} pid=${4:-} i
  for ((i = 0; i < secs * 10; i++)); do
    port_open "$port" && return 0
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && die "$name exited; see $STATE_DIR/$name.log"
    sleep 0.1
  done
  die "$name did not listen on 127.0.0.1:$port within ${secs}s; see $STATE_DIR/$name.log"
}

# Per service: pid/log file stem in $STATE_DIR, command-line pattern of its process, port it answers on.
declare -A SVC_STEM=([postgres]=postgres [nats]=nats [s3]=weed)
declare -A SVC_CMD=([postgres]=postgres [nats]=nats-server [s3]="weed.* server")
declare -A SVC_PORT=([postgres]=$PG_PORT [nats]=$NATS_PORT [s3]=$S3_PORT)

# services ARG...: the service names asked for ("all" or none = every one); fails on an unknown name.
services() {
  local t; [[ $# -gt 0 ]] || set -- all
  for t; do
    case $t in all) echo postgres nats s3 ;; postgres | nats | s3) echo "$t" ;; *) return 1 ;; esac
  done
}

# running SVC: its pid file names a live process whose command line matches (guards against pid reuse).
running() {
  local pid
  pid=$(cat "$STATE_DIR/${SVC_STEM[$1]}.pid" 2>/dev/null) || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "${SVC_CMD[$1]}"
}

# Lookups print nothing (and still succeed) when the binary is missing.
pg_bindir() {
  local d; d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)
  if [[ -x $d/initdb ]]; then echo "$d"; fi
}
nats_bin() {
  command -v nats-server 2>/dev/null || if [[ -x /usr/sbin/nats-server ]]; then echo /usr/sbin/nats-server; fi
}
weed_bin() {
  if [[ -n ${WEED_BIN:-} ]]; then echo "$WEED_BIN"; return; fi
  local gopath
  gopath=$(go env GOPATH 2>/dev/null) || gopath=$HOME/go
  echo "$gopath/bin/weed"
}

# Our ports lie in Linux's ephemeral range (32768-60999): reserve them so an outgoing
# connection's source port (or its TIME-WAIT) can't make our listen() fail. Best effort.
reserve_ports() {
  local f=/proc/sys/net/ipv4/ip_local_reserved_ports cur
  [[ -w $f ]] || return 0
  cur=$(cat "$f")
  echo "${cur:+$cur,}$(IFS=,; echo "$*")" 2>/dev/null >"$f" || log "could not reserve ports $*"
}
