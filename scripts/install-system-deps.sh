#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when missing: PostgreSQL 15 and MariaDB servers and client
# tools (the harness runs its own instances in temp dirs), openssl for the test PKI, and Prometheus (the
# server tests scrape with, and promtool). Package installs are
# kept from starting system services, so nothing listens on 5432/3306 and no system service is disturbed.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
have /usr/lib/postgresql/15/bin/initdb || need+=(postgresql-15)
have pg_dump || need+=(postgresql-client-15)
have mariadb-install-db || need+=(mariadb-server)
have mariadb-dump || need+=(mariadb-client)
have openssl || need+=(openssl)
have promtool || need+=(prometheus)

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: missing Debian packages: ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi

echo "installing Debian packages: ${need[*]}" >&2
# policy-rc.d exit 101 tells invoke-rc.d not to start services while packages install.
policy=/usr/sbin/policy-rc.d
created_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=true
fi
trap '$created_policy && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
