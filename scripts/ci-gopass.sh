#!/usr/bin/env bash
# Install gopass v1.16.1 into $GOBIN (default $(go env GOPATH)/bin) if it is
# missing, for the gopass end-to-end tests in internal/gopasstest.
#
# The module proxy serves exact versions but refuses the version list, so
# `go install …@v1.16.1` can fail while "loading deprecation"; we then build
# it from a throw-away module, which resolves the same dependency versions
# (gopass's own go.mod is the only requirement).
#
# Usage: bash scripts/ci-gopass.sh    (prints the path of the gopass binary)
set -euo pipefail

version=${GOPASS_VERSION:-v1.16.1}
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
bin="$gobin/gopass"

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "^gopass ${version#v}"; then
	echo "$bin"
	exit 0
fi

mkdir -p "$gobin"
if GOBIN="$gobin" go install "github.com/gopasspw/gopass@$version" >&2; then
	echo "$bin"
	exit 0
fi

echo "ci-gopass: go install failed; building from a temporary module" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
	cd "$tmp"
	go mod init passotp-gopass-build >/dev/null 2>&1
	go get "github.com/gopasspw/gopass@$version" >&2
	CGO_ENABLED=0 go build -trimpath -o "$bin" github.com/gopasspw/gopass >&2
)
"$bin" --version >&2 || true
echo "$bin"
