#!/usr/bin/env bash
# Re-take the screenshots in this folder: a demo month through the real path, then headless Chromium (Debian's
# package: apt-get install chromium fonts-noto-cjk) on the pages opened from disk — no network involved.
# Run from the repository root after `npm run build`.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node dist/engine/cli/main.js demo --claims 3000 --out "$out/demo" > "$out/demo.txt"
dir="$out/demo/reports/2026-10-390"
# the first hospital of pool 390's table: the settlement unit with the most points (a county-alliance lead)
code=$(awk '/pool 390/ { p = 1 } p && $1 ~ /^H[0-9]+$/ { print $1; exit }' "$out/demo.txt")
shot() {
  chromium --headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$out/profile" --hide-scrollbars \
    --virtual-time-budget=5000 --window-size=1280,1400 --screenshot="$2" "file://$1" 2>/dev/null
}
shot "$dir/hospitals/$code-2026-10-390.html" docs/reports/hospital-feedback.png
shot "$dir/overview-2026-10-390.html" docs/reports/region-overview.png
echo "screenshots of $code and the region overview written to docs/reports/"
