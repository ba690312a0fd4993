#!/usr/bin/env bash
# Stop what up.sh started (by pid file). --purge also deletes the data (whole state dir for "all").
# Usage: tools/deps/down.sh [postgres|nats|s3|all]... [--purge]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

purge=false args=()
for arg; do if [[ $arg == --purge ]]; then purge=true; else args+=("$arg"); fi; done
svcs=$(services "${args[@]}") || die "usage: $0 [postgres|nats|s3|all]... [--purge]"
lock_or_reexec "$@"

# stop SVC SIGNAL: signal the pid-file process, wait for it to exit, SIGKILL after 30s.
stop() {
  local stem=${SVC_STEM[$1]} pid i
  if running "$1"; then
    pid=$(cat "$STATE_DIR/$stem.pid")
    log "stopping $1 (pid $pid)"
    kill "-$2" "$pid"
    for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "$1 still alive, SIGKILL"; kill -KILL "$pid"; }
  else
    log "$1 not running"
  fi
  rm -f "$STATE_DIR/$stem.pid"
  if $purge; then rm -rf "${STATE_DIR:?}/$stem"; fi
}

for svc in $svcs; do
  # SIGINT = postgres "fast" shutdown (SIGTERM would wait for clients to disconnect).
  if [[ $svc == postgres ]]; then stop "$svc" INT; else stop "$svc" TERM; fi
done
if $purge && [[ " ${args[*]:-all} " == *" all "* ]]; then rm -rf "${STATE_DIR:?}"; log "removed $STATE_DIR"; fi
