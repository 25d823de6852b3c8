#!/usr/bin/env bash
# Make sure the system libraries WeasyPrint needs are present.
# Installs the missing ones with apt-get when run as root; otherwise names them and fails.
set -euo pipefail

# shared library soname -> Debian package that ships it
declare -A NEED=(
  [libpango-1.0.so.0]=libpango-1.0-0
  [libpangoft2-1.0.so.0]=libpangoft2-1.0-0
  [libharfbuzz.so.0]=libharfbuzz0b
  [libharfbuzz-subset.so.0]=libharfbuzz-subset0
  [libfontconfig.so.1]=libfontconfig1
)

missing=()
for lib in "${!NEED[@]}"; do
  if ! /sbin/ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$lib "; then
    missing+=("${NEED[$lib]}")
  fi
done
# The HTML edition's and the preview's tests drive Debian's Chromium through Playwright
# (Playwright never downloads a browser).
command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || missing+=(chromium)
# The engine matrix draws every kind of PDF in Poppler, MuPDF, Ghostscript and pdf.js (npm
# package pdfjs-dist in that Chromium) besides pdfium; lint and the checks use Poppler too.
declare -A TOOLS=([pdftoppm]=poppler-utils [mutool]=mupdf-tools [gs]=ghostscript [npm]=npm
                 [fc-list]=fontconfig)
for tool in "${!TOOLS[@]}"; do
  command -v "$tool" >/dev/null || missing+=("${TOOLS[$tool]}")
done
# A system font that is not bundled, for lint's "only the bundled families" test.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ ${#missing[@]} -eq 0 ] && exit 0

mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "briefbook: missing system libraries: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "briefbook: installing them with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo -n apt-get update -qq
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "briefbook: cannot install them (not root). Run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
