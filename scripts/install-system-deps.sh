#!/usr/bin/env bash
# Installs what the test suite needs beyond Python packages, only when missing:
# Debian's chromium (driven by Playwright in the dashboard end-to-end test) and the
# PostgreSQL 15 server binaries (the tests start their own server with initdb/pg_ctl).
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
