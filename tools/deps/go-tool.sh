#!/usr/bin/env bash
# Print the path of a pinned Go tool, building it with `go install` when missing.
# Pins live in tools/versions.env as <NAME>_PACKAGE and <NAME>_VERSION.
# Usage: tools/deps/go-tool.sh helm
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

name=${1:?usage: $0 TOOL}
key=$(tr '[:lower:]-' '[:upper:]_' <<<"$name")
pkg_var=${key}_PACKAGE ver_var=${key}_VERSION
pkg=${!pkg_var:-} version=${!ver_var:-}
[[ -n $pkg && -n $version ]] || die "no pin for $name in tools/versions.env ($pkg_var, $ver_var)"

gobin=$(go env GOPATH)/bin
# `go install` names the binary after the last path element, skipping a major-version suffix (/v12).
bin_name=$(basename "$pkg"); [[ $bin_name =~ ^v[0-9]+$ ]] && bin_name=$(basename "$(dirname "$pkg")")
bin=$gobin/$bin_name
stamp=$bin.version
if [[ -x $bin && $(cat "$stamp" 2>/dev/null) == "$pkg@$version" ]]; then echo "$bin"; exit 0; fi
mkdir -p "$STATE_DIR"
exec 9>"$STATE_DIR/go-tool-$name.lock"; flock 9      # one build per tool at a time
if [[ ! -x $bin || $(cat "$stamp" 2>/dev/null) != "$pkg@$version" ]]; then
  log "go install $pkg@$version (first time only; takes a minute or more)"
  (cd / && GOFLAGS=-trimpath go install "$pkg@$version") >&2
  echo "$pkg@$version" >"$stamp"
fi
echo "$bin"
