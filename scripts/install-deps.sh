#!/usr/bin/env bash
# Installs the Debian packages wcstream needs, and only those that are missing (idempotent).
# nvcc is optional: the CUDA toolkit is not a Debian package here; CMake enables CUDA when it finds it.
# clang-14 and libclang-rt-14-dev (sanitizer runtimes, libFuzzer) serve scripts/sanitize.sh and scripts/fuzz.sh.
set -euo pipefail
packages=(
  cmake ninja-build g++ pkg-config python3
  libtbb-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libsimdjson-dev libfmt-dev libspdlog-dev libxxhash-dev
  libboost-dev nlohmann-json3-dev python3-prometheus-client
  bible-kjv netcat-openbsd valgrind
  clang-14 libclang-rt-14-dev
)
# The live view's browser test (tests/ui) loads the page in headless Chromium; WCS_NO_BROWSER=1 leaves
# it out (about 350 MB installed) and that test then skips.
[ "${WCS_NO_BROWSER:-0}" = 1 ] || packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
python_packages() {
  # The Python that runs the tests may not be Debian's (pyenv, say): give it prometheus-client from PyPI.
  python3 -c 'import prometheus_client' 2>/dev/null || python3 -m pip install --user -q prometheus-client >&2
}
if ((${#missing[@]} == 0)); then
  python_packages
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
python_packages
