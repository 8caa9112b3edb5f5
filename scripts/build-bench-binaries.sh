#!/usr/bin/env bash
# Builds the Go programs only the benchmarks run (not CI's tests, so CI does not pay for them) from the Go
# module proxy into the same cache as scripts/build-test-binaries.sh, keyed by version. Idempotent: a binary that
# already exists for its version is not rebuilt. Prints the bin directory.
#   provider-sql: crossplane-contrib/provider-sql's provider, the peer of DESIGN §11's SQL benchmark.
#   function-load: bench/function-load, the composition function benchmark's gRPC client (keyed by its sources).
set -euo pipefail

PROVIDER_SQL_VERSION=${PROVIDER_SQL_VERSION:-0.16.0}

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/go-build.sh
source "$here/go-build.sh"

build_provider_sql() {
  build_release provider-sql "$PROVIDER_SQL_VERSION" github.com/crossplane-contrib/provider-sql \
    github.com/crossplane-contrib/provider-sql/cmd/provider
}

# The module's directory in the cache (its package/crds and examples), for the benchmark to read.
provider_sql_dir() {
  cd "$cache/src/provider-sql-$PROVIDER_SQL_VERSION"
  go list -m -f '{{.Dir}}' "github.com/crossplane-contrib/provider-sql"
}

# Prints the path of bench/function-load's binary, built once per version of its sources.
build_function_load() {
  local src="$here/../bench/function-load"
  local version
  version=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-12)
  local out="$bin/function-load-$version"
  if [ ! -x "$out" ]; then
    echo "building function-load $version (once; cached in $bin)" >&2
    (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$out.tmp" .)
    mv "$out.tmp" "$out"
  fi
  echo "$out"
}

case "${1:-build}" in
  build)
    build_provider_sql
    echo "$bin"
    ;;
  function-load)
    build_function_load
    ;;
  provider-sql-dir)
    build_provider_sql
    provider_sql_dir
    ;;
  *)
    echo "usage: $0 [build | provider-sql-dir | function-load]" >&2
    exit 2
    ;;
esac
