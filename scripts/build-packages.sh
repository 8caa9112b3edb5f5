#!/usr/bin/env bash
# Assembles the Crossplane package roots and builds them with Crossplane's own package builder
# (`crossplane xpkg build`; here crank, Crossplane's CLI, which parses and lints each root as a package):
#
#   provider: package/provider/crossplane.yaml + crds/*.yaml              -> <out>/provider-dbops.xpkg
#   function: package/function/crossplane.yaml + package/function/input/*.yaml -> <out>/function-dbops.xpkg
#
# Usage: scripts/build-packages.sh [--out DIR] [--provider-image-tarball TAR] [--function-image-tarball TAR]
#                                  [provider|function ...]
#
# Without an image tarball a package holds metadata and CRDs only, which is what this machine can build (there
# is no Docker here). For a release, `docker build --target provider|function` (see Dockerfile), `docker save`
# each image and pass the tarball so the package embeds its runtime image.
#
# crank is found as $CRANK, else the one scripts/build-test-binaries.sh caches, else `crossplane` on PATH.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$repo/build/packages"
provider_image=""
function_image=""
targets=()

die() {
  echo "build-packages: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$(realpath -m "${2:?--out needs a directory}")"; shift 2 ;;
    --provider-image-tarball) provider_image="$(realpath "${2:?--provider-image-tarball needs a file}")"; shift 2 ;;
    --function-image-tarball) function_image="$(realpath "${2:?--function-image-tarball needs a file}")"; shift 2 ;;
    provider | function) targets+=("$1"); shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(provider function)

find_crank() {
  if [ -n "${CRANK:-}" ]; then
    [ -x "$CRANK" ] || die "CRANK=$CRANK is not an executable"
    echo "$CRANK"
    return
  fi
  # shellcheck source=versions.env
  . "$repo/scripts/versions.env"
  local cache="${DBOPS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/provider-dbops}"
  local cached="$cache/bin/crank-$CROSSPLANE_VERSION"
  if [ -x "$cached" ]; then
    echo "$cached"
  elif command -v crossplane >/dev/null; then
    command -v crossplane
  else
    die "no Crossplane CLI: run scripts/build-test-binaries.sh (builds $cached), or set CRANK"
  fi
}

# Copies the YAML files of $@ into the fresh root $1 (numbered, so the package keeps the order given here).
# Only YAML goes in: the builder parses every YAML file of the root as a package object and lints it.
assemble() {
  local root="$1"
  shift
  rm -rf "$root" && mkdir -p "$root"
  local n=0 file
  for file in "$@"; do
    n=$((n + 1))
    cp "$file" "$root/$(printf '%02d' "$n")-$(basename "$file")"
  done
}

# build <root> <package file> [image tarball]
build() {
  local root="$1" pkg="$2" image="${3:-}"
  local args=(xpkg build "--package-root=$root" "--package-file=$pkg")
  # crank defaults --examples-root to ./examples of the working directory, which would pull the repository's
  # examples into the package from wherever this runs; a directory that does not exist means no examples.
  args+=("--examples-root=$out/.no-examples")
  [ -z "$image" ] || args+=("--embed-runtime-image-tarball=$image")
  rm -f "$pkg"
  "$crank" "${args[@]}"
  echo "built $pkg" >&2
}

crank="$(find_crank)"
mkdir -p "$out"
shopt -s nullglob

for target in "${targets[@]}"; do
  case "$target" in
    provider)
      crds=("$repo"/crds/*.yaml)
      [ ${#crds[@]} -gt 0 ] || die "crds/ has no CRDs: run npm run generate:crds"
      assemble "$out/provider" "$repo/package/provider/crossplane.yaml" "${crds[@]}"
      build "$out/provider" "$out/provider-dbops.xpkg" "$provider_image"
      ;;
    function)
      inputs=("$repo"/package/function/input/*.yaml)
      [ ${#inputs[@]} -gt 0 ] ||
        die "package/function/input/ holds no input CRD (*.yaml); the function package needs the CRD of its pipeline input"
      assemble "$out/function" "$repo/package/function/crossplane.yaml" "${inputs[@]}"
      build "$out/function" "$out/function-dbops.xpkg" "$function_image"
      ;;
  esac
done
