#!/usr/bin/env bash
# The HTML report of a real run: a model trained here (the licence texts Debian installs) is
# checkpointed at two steps, each checkpoint evaluated by `sextant eval` on a dataset of each of
# the five dimensions (a few items each), and `sextant report` draws them; headless chromium
# renders the page: it must load with no console message and no request, show in the
# leaderboard the scores report.json holds, draw the radar and a score-versus-step curve per
# dimension and dataset, and write a screenshot.
# usage: report_of_training_run.sh SEXTANT SOURCE_DIR   (data: $SEXTANT_DATA_DIR)
set -euo pipefail
sextant=$1
source_dir=$2
data=${SEXTANT_DATA_DIR:-}
corpus=/usr/share/common-licenses
command -v chromium >/dev/null || { echo "skipped: chromium is not on PATH (scripts/setup.sh installs it)"; exit 0; }
[ -n "$data" ] && [ -d "$data/arc" ] || { echo "skipped: the benchmark files are absent (set SEXTANT_DATA_DIR)"; exit 0; }
[ -d "$corpus" ] || { echo "skipped: $corpus (Debian's base-files) is absent"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/train.json" <<JSON
{
  "name": "licences",
  "seed": 9,
  "tokenizer": "$source_dir/tests/fixtures/hf/llama_f32_tied/tokenizer.json",
  "model": {"hidden_size": 64, "layers": 2, "heads": 4, "kv_heads": 2, "ffn_size": 160},
  "batch": {"sequence_length": 128, "micro_batch": 4},
  "sources": {"licences": {"files": ["*"]}},
  "stages": [{"name": "one", "tokens": 20480, "lr": 4e-3, "mixture": {"licences": 1}}],
  "checkpoint_every": 20
}
JSON
"$sextant" train --config "$work/train.json" --corpora-dir "$corpus" --out "$work/run" --no-eval > /dev/null 2>&1
datasets=arc_easy:zero-shot,flores200_eng_fra:zero-shot,boolq:zero-shot,lambada:zero-shot,hellaswag:zero-shot
for step in 20 40; do
  "$sextant" eval --model "$work/run/checkpoints/step-0000$step" --model-name licences --step $step \
    --datasets "$datasets" --limit 6 --data-dir "$data" --work-dir "$work/run" --quiet --json > "$work/eval-$step.json" 2>/dev/null
done
"$sextant" report --work-dirs "$work/run" --format html,json --out "$work/report" > /dev/null 2>&1
page="file://$work/report/report.html"
chrome=(chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
        --user-data-dir="$work/profile" --enable-logging=stderr --v=0)
timeout 60 "${chrome[@]}" --dump-dom "$page" > "$work/dom.html" 2> "$work/dom.log"
timeout 60 "${chrome[@]}" --window-size=1400,2400 --screenshot="$work/report.png" "$page" > /dev/null 2>&1

python3 - "$work" <<'PY'
import html, json, re, sys
work = sys.argv[1]
dom = open(f"{work}/dom.html").read()
log = open(f"{work}/dom.log").read()
report = json.load(open(f"{work}/report/report.json"))
problems = []
def check(ok, what):
    if not ok:
        problems.append(what)
# What the page drew: its scripts (whose text names the attributes below) left out.
drawn = re.sub(r"<script[\s\S]*?</script>", "", dom)
check('data-rendered="yes"' in drawn, "the page did not finish rendering")
problem_list = re.search(r'<ul id="problems"[^>]*>([\s\S]*?)</ul>', drawn)
check("data-problems" not in drawn, "the page reported problems: " + (html.unescape(re.sub(r"<[^>]*>", " ", problem_list.group(1))) if problem_list else "?"))
check(not [l for l in log.splitlines() if "CONSOLE" in l], "console messages: " + " | ".join(l for l in log.splitlines() if "CONSOLE" in l))
models = report["models"]
check([m["label"] for m in models] == ["licences (step 20)", "licences (step 40)"], f"models {[m['label'] for m in models]}")
check(all(len(m["dimensions"]) == 5 for m in models), "a checkpoint lacks one of the five dimensions")
# Every leaderboard row of the page shows report.json's headline scores (2 decimals, percent).
for i, m in enumerate(models):
    row = re.search(r'<tr data-model="%d">([\s\S]*?)</tr>' % i, drawn)
    check(row is not None, f"no leaderboard row for {m['label']}")
    if not row:
        continue
    cells = [html.unescape(re.sub(r"<[^>]*>", "", c)) for c in re.findall(r"<td[^>]*>([\s\S]*?)</td>", row.group(1))]
    shown = set(cells)
    for d in report["datasets"]:
        for s in d["scores"]:
            if s["model"] == m["label"]:
                want = f"{100 * s['value']:.2f}"
                check(want in shown, f"{m['label']} {d['dataset']}: {want} not in the row {cells}")
    check(f"{100 * m['overall']:.2f}" in shown, f"{m['label']}: overall {100 * m['overall']:.2f} not shown")
check('id="radar-chart"' in drawn, "no radar chart")
curves = drawn.count('class="curve"')
check(curves == 10, f"{curves} training curves, not 5 dimensions + 5 datasets")
check(drawn.count("<polyline points=") == 10, "a curve has no line")
import os
check(os.path.getsize(f"{work}/report.png") > 10000, "no screenshot")
if problems:
    print("FAILED:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"ok: 2 checkpoints x 5 dimensions rendered, {curves} curves, scores as in report.json; screenshot {os.path.getsize(f'{work}/report.png')} bytes")
PY
