#!/usr/bin/env bash
# Install the Debian packages the test suite drives: Chromium for the browser tests (Playwright
# never downloads a browser here), LibreOffice Calc to open exported workbooks as a real
# spreadsheet would, and Noto fonts for Vietnamese glyphs in screenshots.
# Does nothing when they are already there.
set -euo pipefail

packages=(chromium libreoffice-calc-nogui fonts-noto-core)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Please install ${packages[*]} with your system's package manager." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing ${missing[*]} (Debian packages) ..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
