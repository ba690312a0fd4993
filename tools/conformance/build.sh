#!/usr/bin/env bash
# Build the OCI distribution-spec conformance suite pinned in tools/versions.env and print its path.
# The module source comes from `go mod download`; the module cache is read-only, so the build runs
# in a temporary copy. Rebuilt only when the pin changes (a stamp file sits next to the binary).
# Usage: tools/conformance/build.sh [OUTPUT]   (default: $BERTH_DEPS_DIR/bin/oci-conformance)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../deps/lib.sh"

out=${1:-$STATE_DIR/bin/oci-conformance}
stamp=$out.version
want="$CONFORMANCE_MODULE@$CONFORMANCE_VERSION"
if [[ -x $out && $(cat "$stamp" 2>/dev/null) == "$want" ]]; then echo "$out"; exit 0; fi
command -v go >/dev/null || die "go is required to build the conformance suite"
mkdir -p "$STATE_DIR" "$(dirname "$out")"
exec 9>"$STATE_DIR/conformance-build.lock"; flock 9
if [[ -x $out && $(cat "$stamp" 2>/dev/null) == "$want" ]]; then echo "$out"; exit 0; fi

dir=$(cd / && go mod download -json "$want" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[[ -d $dir ]] || die "go mod download gave no Dir for $want"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -R "$dir/." "$tmp/"; chmod -R u+w "$tmp"
log "building the OCI conformance suite ($want) -> $out"
# The suite is a main package (`go build`, as its README says); `go test -c` still works but only
# runs it in a deprecated legacy mode.
(cd "$tmp" && GOFLAGS=-mod=mod go build -trimpath -o "$out.tmp" .)
mv -f "$out.tmp" "$out"
echo "$want" >"$stamp"
echo "$out"
