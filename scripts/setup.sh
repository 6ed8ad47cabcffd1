#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs everything hooks needs to build and test on Debian 12, from Debian's packages.
set -euo pipefail

packages=(
    cmake ninja-build g++ git python3 curl
    libssl-dev openssl libcli11-dev nlohmann-json3-dev libexpected-dev
    catch2 libboost-dev scdoc groff-base clang-format clang-tidy
    # The inspector's browser tests (tests/browser) drive Debian's Chromium through playwright-core.
    chromium
)
# Node.js and npm run the interop tests against the providers' official libraries; keep a
# newer Node that is already installed rather than replacing it with Debian's.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all build dependencies are installed"
    exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
