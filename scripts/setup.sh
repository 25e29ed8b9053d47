#!/usr/bin/env bash
# Installs the system packages Sextant builds and tests with (Debian 12). Idempotent: does
# nothing when everything is present. Run as root (or with sudo available).
set -euo pipefail

# chromium: the HTML report's browser test renders the page headless (it is skipped without it).
# fortunes-*: real text in several languages under /usr/share/games/fortunes, which
# configs/data/debian-fortunes.json (the data demo's fallback without shared/corpora) reads.
packages=(cmake ninja-build g++ clang ccache pkg-config nlohmann-json3-dev libfmt-dev libboost-dev libsqlite3-dev sqlite3 catch2
  zlib1g-dev python3 python3-pip unzip curl chromium libopenmpi-dev openmpi-bin
  fortunes-min fortunes fortunes-de fortunes-es fortunes-it fortunes-zh)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: system packages present" >&2
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
