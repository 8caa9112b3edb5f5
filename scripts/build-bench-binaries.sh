#!/usr/bin/env bash
# Builds the Go programs only the benchmarks run (not CI's tests, so CI does not pay for them) from the Go
# module proxy into the same cache as scripts/build-test-binaries.sh, keyed by version. Idempotent: a binary that
# already exists for its version is not rebuilt. Prints the bin directory.
#   provider-sql: crossplane-contrib/provider-sql's provider, the peer of DESIGN §11's SQL benchmark.
set -euo pipefail

PROVIDER_SQL_VERSION=${PROVIDER_SQL_VERSION:-0.16.0}

cache=${DBOPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/provider-dbops}
bin="$cache/bin"
mkdir -p "$bin" "$cache/src"

command -v go >/dev/null || { echo "build-bench-binaries: 'go' is not on PATH; install Go >= 1.26" >&2; exit 1; }

export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

build_provider_sql() {
  local out="$bin/provider-sql-$PROVIDER_SQL_VERSION"
  [ -x "$out" ] && return 0
  echo "building provider-sql $PROVIDER_SQL_VERSION (once; cached in $bin; a few minutes cold)" >&2
  local src="$cache/src/provider-sql-$PROVIDER_SQL_VERSION"
  rm -rf "$src" && mkdir -p "$src" && cd "$src"
  # A scratch module requiring the release, so its go.mod (not ours) decides every dependency's version.
  printf 'module local/providersqlbuild\n\ngo 1.26\n' > go.mod
  go get "github.com/crossplane-contrib/provider-sql@v$PROVIDER_SQL_VERSION" >/dev/null
  go build -trimpath -ldflags "-s -w" -o "$out.tmp" github.com/crossplane-contrib/provider-sql/cmd/provider
  mv "$out.tmp" "$out"
}

# The module's directory in the cache (its package/crds and examples), for the benchmark to read.
provider_sql_dir() {
  cd "$cache/src/provider-sql-$PROVIDER_SQL_VERSION"
  go list -m -f '{{.Dir}}' "github.com/crossplane-contrib/provider-sql"
}

case "${1:-build}" in
  build)
    build_provider_sql
    echo "$bin"
    ;;
  provider-sql-dir)
    build_provider_sql
    provider_sql_dir
    ;;
  *)
    echo "usage: $0 [build | provider-sql-dir]" >&2
    exit 2
    ;;
esac
