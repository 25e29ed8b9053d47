#!/usr/bin/env bash
# Regenerates the README's pictures of the HTML report, docs/images/leaderboard.png and
# docs/images/training-curve.png: result stores, then `sextant report --format html`, then
# headless chromium (scripts/setup.sh installs it). The training curve comes from TRAIN_DIR, the
# --out of a real `sextant train --config configs/train/tiny-staged.json` run; the leaderboard
# from LEADERBOARD_DIRS (comma-separated work dirs of real `sextant eval` runs). Either one not
# given is drawn from a synthetic store (scripts/gen/report_demo_stores.py).
#   scripts/gen/report_screenshots.sh [TRAIN_DIR [LEADERBOARD_DIRS]]   # uses build/harness/sextant
#   SEXTANT=path/to/sextant scripts/gen/report_screenshots.sh [TRAIN_DIR [LEADERBOARD_DIRS]]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sextant=${SEXTANT:-$root/build/harness/sextant}
[ -x "$sextant" ] || { echo "report_screenshots: no sextant at $sextant (build it, or set SEXTANT)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "report_screenshots: chromium is not installed (scripts/setup.sh)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/scripts/gen/report_demo_stores.py" "$work"
leaderboard=${2:-$work/leaderboard}
"$sextant" report --work-dirs "$leaderboard" --format html --out "$work/leaderboard/report" >/dev/null
training=${1:-$work/training}
"$sextant" report --work-dir "$training" --format html --out "$work/training/report" >/dev/null

# shot URL PNG WIDTH,HEIGHT; the page's #only=SECTIONS shows those sections alone (headless
# chromium draws a blank picture of a page scrolled to an anchor).
shot() {
  chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size="$3" --screenshot="$2" "$1" 2>/dev/null
}
mkdir -p "$root/docs/images"
shot "file://$work/leaderboard/report/report.html#only=leaderboard,dimensions" "$root/docs/images/leaderboard.png" 1800,1090
shot "file://$work/training/report/report.html#only=training" "$root/docs/images/training-curve.png" 1400,1500
echo "report_screenshots: wrote docs/images/leaderboard.png and docs/images/training-curve.png" >&2
