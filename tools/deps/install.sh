#!/usr/bin/env bash
# Install Berth's external test dependencies when missing.
# Usage: tools/deps/install.sh [postgres|nats|weed|all]...   (default: all; s3 = weed)
#        tools/deps/install.sh skopeo|htpasswd|distribution     (registry clients; not part of all)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

apt_install() {
  # apt lists may be absent on a fresh machine: refresh only when needed.
  if ! apt-cache show "$@" >/dev/null 2>&1; then as_root apt-get update -qq; fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

install_postgres() {
  [[ -n $(pg_bindir) ]] || apt_install postgresql
  [[ -n $(pg_bindir) ]] || die "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"
}

install_nats() {
  [[ -n $(nats_bin) ]] || apt_install nats-server
  [[ -n $(nats_bin) ]] || die "nats-server not found after install"
}

install_weed() {
  local bin; bin=$(weed_bin)
  # Someone (another script run or engineer) may be building it already: wait instead of racing.
  while pgrep -f "go build.*-o $bin( |$)" >/dev/null; do
    log "waiting for a running 'go build' of $bin ..."; sleep 10
  done
  "$bin" version >/dev/null 2>&1 && return 0
  command -v go >/dev/null || die "go is required to build SeaweedFS (see $SEAWEEDFS_MODULE)"
  mkdir -p "$STATE_DIR" "$(dirname "$bin")"
  exec 9>"$STATE_DIR/weed-build.lock"; flock 9           # one build at a time among our scripts
  "$bin" version >/dev/null 2>&1 && return 0
  local dir want have
  dir=$(cd / && go mod download -json "$SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d $dir ]] || die "go mod download gave no Dir for $SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION"
  want=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$dir/go.mod")
  have=$(go env GOVERSION); have=${have#go}
  if [[ $(printf '%s\n' "$want" "$have" | sort -V | head -n1) != "$want" ]]; then
    log "go $have is older than the $want SeaweedFS needs; using $GO_TOOLCHAIN_FALLBACK"
    export GOTOOLCHAIN=$GO_TOOLCHAIN_FALLBACK
  fi
  log "building weed $SEAWEEDFS_VERSION -> $bin (takes several minutes)"
  # -mod=mod: the module cache copy has no vendor dir and go.sum may lack entries.
  (cd "$dir" && GOFLAGS=-mod=mod go build -trimpath -o "$bin.tmp" ./weed)
  mv -f "$bin.tmp" "$bin"
  "$bin" version >&2
}

install_skopeo() {
  command -v skopeo >/dev/null || apt_install skopeo
  # skopeo refuses to copy without a signature policy; Debian's containers-common ships one.
  [[ -e /etc/containers/policy.json ]] || apt_install containers-common
  command -v skopeo >/dev/null || die "skopeo not found after install"
}

install_htpasswd() {
  command -v htpasswd >/dev/null || apt_install apache2-utils
  command -v htpasswd >/dev/null || die "htpasswd not found after install"
}

distribution_bin() { echo "$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/distribution-registry"; }

# The CNCF distribution registry. Built from the module source like SeaweedFS, into its own name
# (`registry` would be too generic in $GOPATH/bin); a stamp file records the version built.
install_distribution() {
  local bin stamp dir
  bin=$(distribution_bin); stamp=$bin.version
  [[ -x $bin && $(cat "$stamp" 2>/dev/null) == "$DISTRIBUTION_VERSION" ]] && return 0
  command -v go >/dev/null || die "go is required to build $DISTRIBUTION_MODULE"
  mkdir -p "$STATE_DIR" "$(dirname "$bin")"
  exec 9>"$STATE_DIR/distribution-build.lock"; flock 9
  [[ -x $bin && $(cat "$stamp" 2>/dev/null) == "$DISTRIBUTION_VERSION" ]] && return 0
  dir=$(cd / && go mod download -json "$DISTRIBUTION_MODULE@$DISTRIBUTION_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  [[ -d $dir ]] || die "go mod download gave no Dir for $DISTRIBUTION_MODULE@$DISTRIBUTION_VERSION"
  log "building distribution registry $DISTRIBUTION_VERSION -> $bin (takes a few minutes)"
  (cd "$dir" && GOFLAGS=-mod=mod go build -trimpath -o "$bin.tmp" ./cmd/registry)
  mv -f "$bin.tmp" "$bin"
  echo "$DISTRIBUTION_VERSION" >"$stamp"
  "$bin" --version >&2
}

[[ $# -gt 0 ]] || set -- all
for target; do
  case $target in
    postgres | nats | weed) "install_$target" ;;
    s3) install_weed ;;
    skopeo | htpasswd | distribution) "install_$target" ;;
    all) install_postgres; install_nats; install_weed ;;
    *) die "usage: $0 [postgres|nats|weed|all|skopeo|htpasswd|distribution]..." ;;
  esac
done
