#!/usr/bin/env bash
# Start Berth's dependencies on 127.0.0.1 with data under $BERTH_DEPS_DIR (default /tmp/berth-deps).
# Idempotent: services already running are left alone. Writes $BERTH_DEPS_DIR/env.
# Usage: tools/deps/up.sh [postgres|nats|s3|all]...   (default: all)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"

# already_up SVC: true if our process is up; dies if a stranger holds the port.
already_up() {
  local stem=${SVC_STEM[$1]} port=${SVC_PORT[$1]}
  if running "$1"; then
    wait_port "$port" "$stem" 60
    log "$1 already running (pid $(cat "$STATE_DIR/$stem.pid"), 127.0.0.1:$port)"
    return 0
  fi
  port_open "$port" && die "127.0.0.1:$port is taken by a process not started from $STATE_DIR; stop it or set BERTH_*_PORT"
  return 1
}

up_postgres() {
  "$HERE/install.sh" postgres
  local bin dir=$STATE_DIR/postgres pg=() psql
  bin=$(pg_bindir)
  [[ $EUID -eq 0 ]] && pg=(runuser -u postgres --)       # postgres refuses to run as root
  psql=("${pg[@]}" "$bin/psql" -h "$dir/run" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if ! already_up postgres; then
    reserve_ports "$PG_PORT"
    mkdir -p "$dir/run"; touch "$STATE_DIR/postgres.log"
    [[ $EUID -eq 0 ]] && chown postgres: "$dir" "$dir/run" "$STATE_DIR/postgres.log"
    "${pg[@]}" test -w "$dir/run" || die "postgres can't write $dir (every parent dir must be world-searchable)"
    if [[ ! -s $dir/data/PG_VERSION ]]; then
      log "initdb $dir/data"
      (cd / && "${pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 --no-sync) >>"$STATE_DIR/postgres.log"
      # Throwaway test data: trade durability for speed.
      printf '%s\n' "fsync = off" "synchronous_commit = off" "full_page_writes = off" \
        "max_connections = 200" >>"$dir/data/postgresql.conf"
    fi
    log "starting postgres on 127.0.0.1:$PG_PORT"
    (cd / && "${pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$STATE_DIR/postgres.log" -w -t 60 start \
      -o "-h 127.0.0.1 -p $PG_PORT -k $dir/run") >/dev/null
    head -n1 "$dir/data/postmaster.pid" >"$STATE_DIR/postgres.pid"
  fi
  # Role and database (re)created only when missing.
  if [[ -z $(cd / && "${psql[@]}" -c "select 1 from pg_roles where rolname = 'berth'") ]]; then
    (cd / && "${psql[@]}" -c "create role berth login createdb password 'berth'")
  fi
  if [[ -z $(cd / && "${psql[@]}" -c "select 1 from pg_database where datname = 'berth'") ]]; then
    (cd / && "${psql[@]}" -c "create database berth owner berth")
  fi
}

up_nats() {
  "$HERE/install.sh" nats
  already_up nats && return 0
  reserve_ports "$NATS_PORT" "$NATS_MONITOR_PORT"
  mkdir -p "$STATE_DIR/nats"
  log "starting nats-server on 127.0.0.1:$NATS_PORT (monitor :$NATS_MONITOR_PORT, JetStream on)"
  setsid nohup "$(nats_bin)" -n berth-deps -a 127.0.0.1 -p "$NATS_PORT" -m "$NATS_MONITOR_PORT" \
    -js -sd "$STATE_DIR/nats" >>"$STATE_DIR/nats.log" 2>&1 </dev/null &
  echo $! >"$STATE_DIR/nats.pid"
  wait_port "$NATS_PORT" nats 30 $!
}

s3() { curl -sS -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:$S3_REGION:s3" \
  --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" "$@"; }

up_s3() {
  "$HERE/install.sh" weed
  local dir=$STATE_DIR/weed url="http://127.0.0.1:$S3_PORT/$S3_BUCKET" started=false code i
  if ! already_up s3; then
    local p; for p in "$WEED_MASTER_PORT" "$WEED_VOLUME_PORT" "$WEED_FILER_PORT" "$S3_PORT"; do
      reserve_ports "$p" $((p + 100))
    done
    mkdir -p "$dir/data"
    cat >"$dir/s3.json" <<JSON
{"identities": [{"name": "berth",
  "credentials": [{"accessKey": "$S3_ACCESS_KEY", "secretKey": "$S3_SECRET_KEY"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
JSON
    log "starting SeaweedFS (S3 on 127.0.0.1:$S3_PORT)"
    # -volume.max: each bucket takes volume slots; the default (free disk / 1 GiB) ran out after ~70 test buckets.
    # WEED_* env = master.toml: 1 volume per new bucket (default 7) and no allocation hold on fresh start.
    # peers=none: single master, no 10s raft election on restart; telemetry=false: no reports to an
    # outside URL; iceberg/lance=0: listeners we don't need.
    WEED_MASTER_VOLUME_GROWTH_COPY_1=1 WEED_MASTER_VOLUME_GROWTH_ALLOCATION_DEFERRAL=0s \
    setsid nohup "$(weed_bin)" -logtostderr server -ip=127.0.0.1 -ip.bind=127.0.0.1 \
      -dir="$dir/data" -volume.max="${BERTH_WEED_MAX_VOLUMES:-500}" -master.volumeSizeLimitMB=1024 -master.peers=none \
      -master.telemetry=false -master.vacuumIntervalSeconds=120 \
      -master.port="$WEED_MASTER_PORT" -master.port.grpc=$((WEED_MASTER_PORT + 100)) \
      -volume.port="$WEED_VOLUME_PORT" -volume.port.grpc=$((WEED_VOLUME_PORT + 100)) -volume.preStopSeconds=0 \
      -filer -filer.port="$WEED_FILER_PORT" -filer.port.grpc=$((WEED_FILER_PORT + 100)) \
      -filer.localSocket="$dir/filer.sock" \
      -s3 -s3.port="$S3_PORT" -s3.port.grpc=$((S3_PORT + 100)) -s3.port.iceberg=0 -s3.port.lance=0 \
      -s3.localSocket="$dir/s3.sock" -s3.config="$dir/s3.json" \
      >>"$STATE_DIR/weed.log" 2>&1 </dev/null &
    echo $! >"$STATE_DIR/weed.pid"
    wait_port "$S3_PORT" weed 120 $!
    started=true
  fi
  # The S3 port opens before filer, IAM and volume assignment are ready: retry signed requests
  # until the bucket exists and (after a fresh start) a small object can really be written.
  for ((i = 0; i < 120; i++)); do
    code=$(s3 -I "$url" 2>/dev/null) || code=000
    if [[ $code == 404 ]]; then
      log "creating bucket $S3_BUCKET: HTTP $(s3 -X PUT "$url" || true)"
    elif [[ $code == 200 ]] && { ! $started || probe_write "$url/.berth-deps-probe"; }; then
      return 0
    fi
    sleep 0.5
  done
  die "S3 bucket $S3_BUCKET not usable (last HTTP $code); see $STATE_DIR/weed.log"
}

probe_write() {
  [[ $(s3 -m 10 -X PUT -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' --data-binary ok "$1" 2>/dev/null) == 200 ]] &&
    s3 -X DELETE "$1" >/dev/null
}

write_env() {
  cat >"$STATE_DIR/env" <<ENV
export DATABASE_URL=postgres://berth:berth@127.0.0.1:$PG_PORT/berth
export NATS_URL=nats://127.0.0.1:$NATS_PORT
export NATS_MONITOR_URL=http://127.0.0.1:$NATS_MONITOR_PORT
export S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export S3_ACCESS_KEY=$S3_ACCESS_KEY
export S3_SECRET_KEY=$S3_SECRET_KEY
export S3_BUCKET=$S3_BUCKET
export S3_REGION=$S3_REGION
ENV
  cat "$STATE_DIR/env"
}

svcs=$(services "$@") || die "usage: $0 [postgres|nats|s3|all]..."
lock_or_reexec "$@"
for svc in $svcs; do "up_$svc"; done
write_env
