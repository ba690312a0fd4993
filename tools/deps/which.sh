#!/usr/bin/env bash
# Print the absolute path of a dependency binary, installing it when missing
# (postgres-bin: the directory holding initdb, pg_ctl, postgres, ...).
# Usage: tools/deps/which.sh nats-server|weed|postgres-bin
#        tools/deps/which.sh skopeo|htpasswd|distribution-registry|crane|oras|regctl|helm|vegeta
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$HERE/lib.sh"

case ${1:-} in
  nats-server) [[ -n $(nats_bin) ]] || "$HERE/install.sh" nats >&2; path=$(nats_bin) ;;
  weed) path=$(weed_bin); "$HERE/install.sh" weed >&2 ;;
  postgres-bin) [[ -n $(pg_bindir) ]] || "$HERE/install.sh" postgres >&2; path=$(pg_bindir) ;;
  skopeo | htpasswd) command -v "$1" >/dev/null || "$HERE/install.sh" "$1" >&2; path=$(command -v "$1") ;;
  distribution-registry)
    "$HERE/install.sh" distribution >&2
    path=$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/distribution-registry ;;
  crane | oras | regctl | helm | vegeta) path=$("$HERE/go-tool.sh" "$1") ;;
  *) die "usage: $0 nats-server|weed|postgres-bin|skopeo|htpasswd|distribution-registry|crane|oras|regctl|helm|vegeta" ;;
esac
[[ -n $path ]] || die "$1 not found"
echo "$path"
