#!/usr/bin/env bash
# `sextant data`: help, langid train / classify, prepare with its table and stats.json, contamination of a
# dataset against the prepared shards, errors that
# name the file and field (exit 2), and a prepare killed with SIGKILL at a random moment leaving
# either no output folder or a complete one (the rerun cleans up the dead run's partial folder).
# The corpus is constructed here, plus the licence texts every Debian system installs.
# usage: data_cli.sh SEXTANT
set -euo pipefail
sextant=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$sextant" data --help | grep -q "langid classify" || fail "data --help lists no subcommands"
"$sextant" data prepare --help | grep -q -- "--corpora-dir" || fail "data prepare --help"
set +e
"$sextant" data frobnicate > /dev/null 2> "$work/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "unknown subcommand" "$work/err" || fail "an unknown subcommand exits 2 ($rc)"

# Language identification: train on labelled JSON Lines (test rows held out), classify lines.
python3 - "$work/labelled.jsonl" <<'PY'
import json, sys
en = ["The weather is nice today and we are going to the park.", "She said that she would come back tomorrow.",
      "They have been working on this project for three years.", "What do you think about the new house?",
      "He walked through the forest until the night was falling.", "The children are playing in the garden."]
de = ["Das Wetter ist heute schön und wir gehen in den Park.", "Sie sagte, dass sie morgen zurückkommt.",
      "Sie arbeiten seit drei Jahren an diesem Projekt.", "Was hältst du von dem neuen Haus?",
      "Er ging durch den Wald, bis die Nacht hereinbrach.", "Die Kinder spielen im Garten."]
with open(sys.argv[1], "w") as f:
    for lang, rows in (("en", en), ("de", de)):
        for i, t in enumerate(rows):
            f.write(json.dumps({"lang": lang, "split": "test" if i == 5 else "train", "text": t}) + "\n")
PY
"$sextant" data langid train --labelled "$work/labelled.jsonl" --out "$work/langid.bin" > "$work/accuracy" 2> /dev/null
grep -q "^all  *2 " "$work/accuracy" || fail "langid train scores the 2 test rows: $(cat "$work/accuracy")"
printf 'Where are the children going with their books?\n\nWo gehen die Kinder mit ihren Büchern hin?\n' |
  "$sextant" data langid classify --model "$work/langid.bin" > "$work/classified"
[ "$(cut -f1 "$work/classified" | tr '\n' ' ')" = "en  de " ] || fail "classify: $(cat "$work/classified")"

# Prepare: licence texts (fixed language, no identifier needed) with a duplicated file.
corpus=/usr/share/common-licenses
if [ ! -d "$corpus" ]; then
  echo "skipped: $corpus (Debian's base-files) is absent"
  exit 0
fi
mkdir -p "$work/corpus"
cp "$corpus/GPL-3" "$corpus/Apache-2.0" "$corpus/MPL-2.0" "$corpus/GFDL-1.3" "$work/corpus/"
cp "$corpus/GPL-3" "$work/corpus/GPL-3-copy"
cat > "$work/data.json" <<JSON
{
  "name": "licences",
  "sources": {
    "gpl": {"files": ["GPL-3", "GPL-3-copy"], "format": "paragraphs", "language": "en"},
    "other": {"files": ["Apache-2.0", "MPL-2.0", "GFDL-1.3"], "format": "paragraphs", "language": "en"}
  },
  "quality_rules": {"min_words": 20},
  "dedup": {"exact": true, "near": {"threshold": 0.8}},
  "tokenizer": {"vocab_size": 2048}
}
JSON
"$sextant" data prepare --config "$work/data.json" --corpora-dir "$work/corpus" --out "$work/out" \
  > "$work/table" 2> "$work/progress"
grep -q "^exact_dedup" "$work/table" || fail "no exact_dedup row in the table"
grep -q "^read gpl" "$work/progress" || fail "no progress on stderr"
for f in stats.json tokenizer.json shards/gpl.bin shards/other.bin; do
  [ -s "$work/out/$f" ] || fail "prepare wrote no $f"
done
python3 - "$work/out/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
exact = next(st for st in s["stages"] if st["stage"] == "exact_dedup")
# GPL-3-copy repeats every paragraph of GPL-3 that survived the rules: at least half of gpl goes.
gpl = exact["by_source"]["gpl"]
assert 0 < gpl["out"]["documents"] * 2 <= gpl["in"]["documents"], gpl
assert exact["removed_by"]["exact_duplicate"] >= gpl["out"]["documents"], exact["removed_by"]
PY

# Contamination: a dataset of one GPL paragraph (in the shards) and one made-up question (not).
mkdir -p "$work/configs/datasets" "$work/configs/suites" "$work/bench"
python3 - "$corpus/GPL-3" "$work/bench/lic.jsonl" <<'PY'
import json, sys
paragraph = next(p for p in open(sys.argv[1]).read().split("\n\n") if "When we speak of free software" in p)
with open(sys.argv[2], "w") as out:
    out.write(json.dumps({"q": paragraph, "a": "freedom"}) + "\n")
    out.write(json.dumps({"q": "How many moons does a purple giraffe keep in its pocket on a rainy Tuesday?", "a": "none"}) + "\n")
PY
cat > "$work/configs/datasets/lic.json" <<'JSON'
{"name": "lic", "dimension": "Knowledge", "test": {"format": "jsonl", "path": "lic.jsonl"},
 "modes": {"gen": {"inferencer": "gen", "prompt": "Question: {q}\nAnswer:", "answer": " {a}", "reference": "{a}",
                   "metric": "exact_match"}}, "default_modes": ["gen"]}
JSON
"$sextant" data contamination --shards "$work/out" --configs "$work/configs" --datasets lic --data-dir "$work/bench" \
  --work-dir "$work/store" --json > "$work/contamination.json" 2> "$work/progress"
python3 - "$work/contamination.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
d = r["datasets"][0]
assert r["ngram"] == 13 and d["dataset"] == "lic" and d["items"] == 2 and d["contaminated"] == 1, r
assert [i["item"] for i in d["contaminated_items"]] == [0] and 0.5 < d["contaminated_items"][0]["overlap"] <= 1, d
PY
if command -v sqlite3 > /dev/null; then
  [ "$(sqlite3 "$work/store/sextant.db" 'SELECT group_concat(contaminated) FROM contamination ORDER BY item_index')" = "1,0" ] ||
    fail "contamination rows in the store"
fi
set +e
"$sextant" data contamination --shards "$work/corpus" --configs "$work/configs" --datasets lic > /dev/null 2> "$work/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "^error: .*tokenizer.json" "$work/err" || fail "contamination without a tokenizer: $rc $(cat "$work/err")"

set +e
"$sextant" data prepare --config "$work/data.json" --corpora-dir "$work/corpus" --out "$work/out" > /dev/null 2> "$work/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "^error: .*out: already exists and is not empty" "$work/err" || fail "reusing --out: $rc $(cat "$work/err")"
sed 's/"min_words": 20/"min_words": "twenty"/' "$work/data.json" > "$work/bad.json"
set +e
"$sextant" data prepare --config "$work/bad.json" --corpora-dir "$work/corpus" --out "$work/bad" > /dev/null 2> "$work/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q "^error: $work/bad.json: quality_rules.min_words" "$work/err" || fail "bad config: $rc $(cat "$work/err")"

# Killed at a random moment of a run (as long as the first one took): no output folder, or a whole
# one; a rerun finishes, and removes the partial folders of dead runs.
ms() { echo $(( $(date +%s%N) / 1000000 )); }
t0=$(ms)
"$sextant" data prepare --config "$work/data.json" --corpora-dir "$work/corpus" --out "$work/timed" > /dev/null 2>&1
took=$(( $(ms) - t0 ))
"$sextant" data prepare --config "$work/data.json" --corpora-dir "$work/corpus" --out "$work/killed" \
  > /dev/null 2>&1 &
pid=$!
sleep "$(awk -v t="$took" -v r="$RANDOM" 'BEGIN { printf "%.3f", t * (0.05 + 0.9 * r / 32768) / 1000 }')"
kill -9 $pid 2> /dev/null || true
wait $pid 2> /dev/null || true
if [ -e "$work/killed" ]; then
  [ -s "$work/killed/stats.json" ] && [ -s "$work/killed/shards/other.bin" ] || fail "a killed run left a partial --out"
  rm -rf "$work/killed"
fi
true & dead=$!
wait $dead
mkdir -p "$work/killed.partial-$dead/shards"
"$sextant" data prepare --config "$work/data.json" --corpora-dir "$work/corpus" --out "$work/killed" \
  > /dev/null 2>&1 || fail "the rerun after a kill failed"
cmp "$work/out/shards/gpl.bin" "$work/killed/shards/gpl.bin" || fail "the rerun's shards differ"
ls "$work" | grep -q partial && fail "a partial folder is left: $(ls "$work")"
echo "ok"
