#!/usr/bin/env bash
# Install the Debian packages the test suite drives: Chromium for the browser tests (Playwright
# never downloads a browser here), LibreOffice Calc and Writer to open exported workbooks and
# reports as a real office suite would and print them to PDF, poppler-utils to read the PDFs,
# Noto fonts for Vietnamese glyphs in screenshots, Liberation fonts (metric twins of Times New
# Roman) for the báo cáo.
# Does nothing when they are already there.
set -euo pipefail

packages=(chromium libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils fonts-noto-core
  fonts-liberation)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ -d /usr/share/fonts/truetype/noto ] || missing+=(fonts-noto-core)
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
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
# Another apt process (an unattended upgrade) may hold the lock: wait for it, up to 10 minutes.
wait_lock=(-o DPkg::Lock::Timeout=600)
$sudo apt-get "${wait_lock[@]}" update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get "${wait_lock[@]}" install -y -qq \
  --no-install-recommends "${missing[@]}" >/dev/null
