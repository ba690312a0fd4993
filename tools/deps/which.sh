#!/usr/bin/env bash
# Print the absolute path of a dependency binary (postgres-bin: the directory holding initdb, pg_ctl, ...).
# Usage: tools/deps/which.sh nats-server|weed|postgres-bin   (install first with tools/deps/install.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  nats-server) path=$(nats_bin) || true ;;
  weed) path=$(weed_bin); [[ -x $path ]] || path= ;;
  postgres-bin) path=$(pg_bindir) ;;
  *) die "usage: $0 nats-server|weed|postgres-bin" ;;
esac
[[ -n $path ]] || die "$1 not installed; run tools/deps/install.sh"
echo "$path"
