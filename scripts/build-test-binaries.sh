#!/usr/bin/env bash
# Builds the Go programs the tests run (etcd, kube-apiserver, kube-controller-manager for garbage collection and
# namespace deletion, Crossplane's CLI, Crossplane core and a loopback OCI registry) from the Go module proxy into a cache outside the checkout, keyed by
# version, so every later run and CI reuses them. Idempotent: a binary that already exists for its version is
# not rebuilt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/versions.env
source "$here/versions.env"

# shellcheck source=scripts/go-build.sh
source "$here/go-build.sh"

build_etcd() {
  local out="$bin/etcd-$ETCD_VERSION"
  [ -x "$out" ] && return 0
  echo "building etcd $ETCD_VERSION (once; cached in $bin)" >&2
  local src="$cache/src/etcd-$ETCD_VERSION"
  rm -rf "$src" && mkdir -p "$src" && cd "$src"
  printf 'module local/etcdbuild\n\ngo 1.26\n' > go.mod
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' > main.go
  go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null
  go build -trimpath -ldflags "-s -w" -o "$out.tmp" .
  mv "$out.tmp" "$out"
}

# Builds one command of k8s.io/kubernetes at KUBE_VERSION.
build_kube_command() {
  local name=$1 out="$bin/$1-$KUBE_VERSION"
  [ -x "$out" ] && return 0
  echo "building $name $KUBE_VERSION (once; cached in $bin; a few minutes cold on 2 cores)" >&2
  local src="$cache/src/kube-$KUBE_VERSION" staging="0.${KUBE_VERSION#1.}" minor=${KUBE_VERSION#1.}
  minor=${minor%%.*}
  mkdir -p "$src" && cd "$src"
  if [ ! -f go.mod ]; then
    printf 'module local/kubebuild\n\ngo 1.26\n' > go.mod
    # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with local paths; as a
    # dependency those replaces are ignored, so point each one at its published v0.Y.Z release instead.
    local kmod
    kmod=$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
    [ -f "$kmod" ] || { echo "build-test-binaries: cannot read go.mod of k8s.io/kubernetes@v$KUBE_VERSION" >&2; exit 1; }
    local m
    for m in $(sed -n 's|^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*|\1|p' "$kmod"); do
      go mod edit -replace="$m=$m@v$staging"
    done
    go mod edit -require="k8s.io/kubernetes@v$KUBE_VERSION"
    local godebug
    godebug=$(sed -n 's/^godebug \(.*\)$/\1/p' "$kmod" | head -n 1)
    [ -z "$godebug" ] || go mod edit -godebug="$godebug"
  fi
  local ld="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=v$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
    ld="$ld -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  go build -trimpath -pgo=off -ldflags "$ld" -o "$out.tmp" "k8s.io/kubernetes/cmd/$name"
  mv "$out.tmp" "$out"
}

build_etcd
# Crossplane's CLI: `crank render` is the real client of the composition function, `crank xpkg build` the
# package builder.
xp=github.com/crossplane/crossplane/v2
build_release crank "$CROSSPLANE_VERSION" "$xp" "$xp/cmd/crank"
# Crossplane core for the end-to-end suite, its version stamped: unstamped, every package's
# spec.crossplane.version constraint fails. The registry it pulls our packages from is the one its own module
# depends on, so it is keyed by the same version.
build_release crossplane "$CROSSPLANE_VERSION" "$xp" "$xp/cmd/crossplane" \
  "-X $xp/internal/version.version=v$CROSSPLANE_VERSION"
build_release oci-registry "$CROSSPLANE_VERSION" "$xp" github.com/google/go-containerregistry/cmd/registry
build_kube_command kube-apiserver
build_kube_command kube-controller-manager
echo "$bin"
