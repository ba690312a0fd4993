#!/usr/bin/env bash
# Exit 0 when every named service (default: all) that up.sh starts is running; print one line each.
# Usage: tools/deps/status.sh [postgres|nats|s3|all]...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

svcs=$(services "$@") || die "usage: $0 [postgres|nats|s3|all]..."
rc=0
for svc in $svcs; do
  if running "$svc" && port_open "${SVC_PORT[$svc]}"; then
    echo "$svc: running (pid $(cat "$STATE_DIR/${SVC_STEM[$svc]}.pid"), 127.0.0.1:${SVC_PORT[$svc]})"
  else
    echo "$svc: not running"; rc=1
  fi
done
exit "$rc"
