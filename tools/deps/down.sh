#!/usr/bin/env bash
# Stop what up.sh started (by pid file). --purge also deletes the data (whole state dir for "all").
# Usage: tools/deps/down.sh [postgres|nats|s3|all] [--purge]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=false target=all
for arg in "$@"; do
  case $arg in
    --purge) purge=true ;;
    postgres | nats | s3 | all) target=$arg ;;
    *) die "usage: $0 [postgres|nats|s3|all] [--purge]" ;;
  esac
done

# stop NAME PATTERN SIGNAL: signal the pid-file process, wait for it to exit, SIGKILL after 30s.
stop() {
  local name=$1 pid i
  if running "$name" "$2"; then
    pid=$(cat "$STATE_DIR/$name.pid")
    log "stopping $name (pid $pid)"
    kill "-$3" "$pid"
    for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "$name still alive, SIGKILL"; kill -KILL "$pid"; }
  else
    log "$name not running"
  fi
  rm -f "$STATE_DIR/$name.pid"
}

# SIGINT = postgres "fast" shutdown (SIGTERM would wait for clients to disconnect).
down_postgres() { stop postgres postgres INT; $purge && rm -rf "$STATE_DIR/postgres" || true; }
down_nats() { stop nats nats-server TERM; $purge && rm -rf "$STATE_DIR/nats" || true; }
down_s3() { stop weed "weed.* server" TERM; $purge && rm -rf "$STATE_DIR/weed" || true; }

case $target in
  postgres | nats | s3) "down_$target" ;;
  all) down_postgres; down_nats; down_s3; if $purge; then rm -rf "$STATE_DIR"; log "removed $STATE_DIR"; fi ;;
esac
