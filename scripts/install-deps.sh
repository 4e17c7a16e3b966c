#!/usr/bin/env bash
# Installs the Debian packages wcstream needs, and only those that are missing (idempotent).
# nvcc is optional: the CUDA toolkit is not a Debian package here; CMake enables CUDA when it finds it.
# clang-14 and libclang-rt-14-dev (sanitizer runtimes, libFuzzer) serve scripts/sanitize.sh and scripts/fuzz.sh.
set -euo pipefail
packages=(
  cmake ninja-build g++ pkg-config python3
  libtbb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libsimdjson-dev libfmt-dev libspdlog-dev libxxhash-dev
  bible-kjv netcat-openbsd valgrind
  clang-14 libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
