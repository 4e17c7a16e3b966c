#!/usr/bin/env bash
# Makes the Python environment the package's tests and benchmark run in: a venv at $1 (default
# build/python-venv) with PySpark, PyArrow, pytest and the package's build tools from PyPI, and
# Java 17 from Debian for Spark's JVM. Idempotent: installs only what is missing.
set -euo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-${WCS_BUILD_DIR:-$top/build}/python-venv}"

if ! dpkg-query -W -f='${Status}' openjdk-17-jre-headless 2>/dev/null | grep -q 'install ok installed'; then
  echo "install-python-deps: installing openjdk-17-jre-headless" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends openjdk-17-jre-headless python3-venv >&2
fi

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
requirements="$top/python/requirements-test.txt"
stamp="$venv/.requirements"
if ! cmp -s "$requirements" "$stamp"; then
  "$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$requirements" >&2
  cp "$requirements" "$stamp"
fi
