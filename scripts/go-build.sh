# Sourced by the build scripts: the cache outside the checkout (keyed by version, reused by every run and CI),
# the Go settings every build uses, and a builder for a command of a released module.
# shellcheck shell=bash

cache=${DBOPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/provider-dbops}
bin="$cache/bin"
mkdir -p "$bin" "$cache/src"

command -v go >/dev/null || { echo "$(basename "$0"): 'go' is not on PATH; install Go >= 1.26" >&2; exit 1; }

export GOMODCACHE="$cache/go/mod" GOCACHE="$cache/go/build" GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0

# build_release NAME VERSION MODULE PACKAGE [LDFLAGS]: builds PACKAGE of MODULE@vVERSION into $bin/NAME-VERSION,
# once, with LDFLAGS added (a version stamp, say). It is built as a package of a scratch module requiring the
# release, so the release's go.mod decides every dependency's version (and a command path the proxy refuses as a
# module of its own still builds).
build_release() {
  local name=$1 version=$2 module=$3 package=$4 ldflags=${5:-}
  local out="$bin/$name-$version"
  [ -x "$out" ] && return 0
  echo "building $name $version (once; cached in $bin)" >&2
  local src="$cache/src/$name-$version"
  rm -rf "$src" && mkdir -p "$src"
  (
    cd "$src"
    printf 'module local/%sbuild\n\ngo 1.26\n' "${name//-/}" > go.mod
    go get "$module@v$version" >/dev/null
    go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$package"
  )
  mv "$out.tmp" "$out"
}
