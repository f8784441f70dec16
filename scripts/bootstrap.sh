#!/usr/bin/env bash
# Set up everything this project needs on a Debian machine with Python 3.11:
# system packages (fonts, Pango, poppler; apt, as root or through sudo), a virtual
# environment in .venv/ with the project and its test tools, and the PDF's lean CJK fonts
# built from the Noto CJK faces into build/fonts/ (scripts/build_fonts.py, ~1 minute the
# first time), and WeasyPrint's C declarations parsed once into build/ffi/
# (scripts/build_ffi.py). Safe to run again: what is already there is kept.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  python3-venv          # venv for the system Python
  fonts-noto-cjk        # Noto Serif/Sans CJK SC: the PDF's Chinese fonts
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint's text layout and font subsetting
  fontconfig
  poppler-utils         # pdftotext, pdffonts, pdftoppm: tests and looking at pages
)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  echo "bootstrap: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
.venv/bin/python scripts/build_fonts.py
.venv/bin/python scripts/build_ffi.py
