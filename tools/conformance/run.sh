#!/usr/bin/env bash
# Run the OCI distribution-spec conformance suite (every workflow: pull, push, content discovery,
# content management) against a registry; exit non-zero when any test fails.
# Usage: tools/conformance/run.sh <registry-url> <namespace> [username password]
#   e.g. tools/conformance/run.sh http://127.0.0.1:5000 conformance/repo1 admin "$pw"
# The cross-mount namespace is <namespace>-mount. Reports (results.yaml, junit.xml, report.html)
# go to $OCI_RESULTS_DIR (default: ./conformance-results/<timestamp>). OCI_* variables already
# set by the caller win, e.g. OCI_API_REFERRER=false or OCI_FILTER_TEST=...
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
url=${1:?usage: $0 <registry-url> <namespace> [username password]}
namespace=${2:?usage: $0 <registry-url> <namespace> [username password]}
url=${url%/}
case $url in
  http://*) tls=disabled ;;
  https://*) tls=${OCI_TLS:-enabled} ;;
  *) echo "registry URL must start with http:// or https://" >&2; exit 2 ;;
esac
host=${url#*://}
case ${host%%:*} in
  127.0.0.1 | localhost) ;;
  *) [[ -n ${CONFORMANCE_ALLOW_REMOTE:-} ]] || { echo "refusing non-loopback registry $host (set CONFORMANCE_ALLOW_REMOTE=1)" >&2; exit 2; } ;;
esac

bin=$("$here/build.sh")
results=${OCI_RESULTS_DIR:-$PWD/conformance-results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$results"

# The suite reads oci-conformance.yaml from its working directory when present: run it in an empty one.
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
unset OCI_CONFIGURATION
export OCI_REGISTRY=$host OCI_TLS=$tls
export OCI_REPO1=$namespace OCI_REPO2=${OCI_REPO2:-$namespace-mount}
export OCI_USERNAME=${3:-} OCI_PASSWORD=${4:-}
export OCI_RESULTS_DIR=$results OCI_LOG=${OCI_LOG:-warn}
export OCI_VERSION=${OCI_VERSION:-1.1}
# All workflows on (the legacy OCI_TEST_* switches map to these).
export OCI_API_PULL=${OCI_API_PULL:-true} OCI_API_PUSH=${OCI_API_PUSH:-true}
export OCI_API_TAGS_LIST=${OCI_API_TAGS_LIST:-true} OCI_API_REFERRER=${OCI_API_REFERRER:-true}
export OCI_API_TAGS_DELETE=${OCI_API_TAGS_DELETE:-true} OCI_API_MANIFESTS_DELETE=${OCI_API_MANIFESTS_DELETE:-true}
export OCI_API_BLOBS_DELETE=${OCI_API_BLOBS_DELETE:-true} OCI_API_BLOBS_UPLOAD_CANCEL=${OCI_API_BLOBS_UPLOAD_CANCEL:-true}
unset OCI_TEST_PULL OCI_TEST_PUSH OCI_TEST_CONTENT_DISCOVERY OCI_TEST_CONTENT_MANAGEMENT \
  OCI_DEBUG OCI_ROOT_URL OCI_NAMESPACE OCI_CROSSMOUNT_NAMESPACE
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

set +e
(cd "$work" && "$bin")
status=$?
set -e
# The suite exits 0 when it cannot even load its configuration (it then writes no reports), and 1
# when any test fails or errors: demand both a zero status and the reports.
if [[ $status -eq 0 && ! -s $results/results.yaml ]]; then
  echo "conformance: the suite wrote no results.yaml to $results" >&2
  status=1
fi
echo "conformance: $([[ $status -eq 0 ]] && echo PASSED || echo FAILED); reports in $results" >&2
exit "$status"
