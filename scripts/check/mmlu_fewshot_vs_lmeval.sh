#!/usr/bin/env bash
# Speed and accuracy of 5-shot MMLU in `sextant eval` against EleutherAI's lm-evaluation-harness
# (its `hf` model: transformers on the CPU in float32) on the same GGUF file and the same items.
#
# Sextant's `mmlu:few-shot` takes the test rows of every subject in file-name order, each
# prompt led by lm-eval's MMLU description and the subject's 5 dev rows in order, and scores
# the letters A-D. lm-eval runs its own MMLU task files (tasks/mmlu/default/mmlu_<subject>.yaml
# of the installed lm-eval, included as they are: description, template, first_n few-shot
# sampler) with only the data source replaced by the local CSVs, on exactly the subjects and
# rows that `--limit N` gives sextant (N=235: abstract_algebra 100 + anatomy 135), read from
# the same CSV files by a custom_dataset function written next to the task files. Every
# lm-eval context is compared with sextant's prompt for the same item (samples.jsonl) and the
# script fails if any differs.
#
# transformers loads the GGUF file itself (gguf_file=) and dequantizes every tensor (Q4_1,
# Q8_0) to float32, so both evaluate the same weights; sextant keeps Q4_1 and quantizes
# activations to 8 bits, so per-choice log-probabilities differ a little (both are printed).
#
# The two programs alternate for ROUNDS rounds (this kind of machine drifts by tens of percent
# between runs); medians are compared. Wall time is the whole command (process start, model
# load, data, scoring); "eval" is the part after the model is loaded: sextant's own "seconds"
# in its --json output, and for lm-eval the simple_evaluate() call (task set-up, data reading,
# scoring) timed by the small driver below, which does what `lm_eval --model hf` does with a
# model object made first. lm-eval runs with the Hugging Face hub offline (the data are read
# from the CSV files, no datasets cache); sextant with a fresh work directory per round
# (nothing reused).
#
# usage: scripts/check/mmlu_fewshot_vs_lmeval.sh [N] [ROUNDS]
#   N       items (default 235); ROUNDS (default 3)
#   env:    SEXTANT  (default build/harness/sextant)
#           MODEL    (default models/SmolLM2-135M-Instruct.Q4_1.gguf)
#           DATA_DIR (default $SEXTANT_DATA_DIR, else data): holds mmlu/{dev,test}/<subject>_{dev,test}.csv
#           CONFIGS  (default configs): sextant --configs, the folder holding datasets/mmlu.json
#           THREADS  (default 2): sextant --threads, torch threads (OMP/MKL too)
#           LMEVAL_BATCH_SIZE (default 8): lm-eval's --batch_size, in prompts per forward pass
#                    (sextant packs up to 512 tokens per pass; a 5-shot prompt here is ~300-400
#                    tokens, the batch is padded to its longest). "auto" is not advised on the
#                    CPU: it starts at 64 prompts and only backs off on an allocation failure
#           PYTHON   (default python3), KEEP=1 keeps the work directory
# needs:  pip install lm-eval accelerate gguf   (lm-eval brings transformers, torch and datasets;
#         transformers needs accelerate and gguf to load a GGUF file)
set -euo pipefail

n=${1:-235}
rounds=${2:-3}
threads=${THREADS:-2}
batch=${LMEVAL_BATCH_SIZE:-8}
python=${PYTHON:-python3}
usage="usage: $0 [N] [ROUNDS]  (env: SEXTANT MODEL DATA_DIR CONFIGS THREADS LMEVAL_BATCH_SIZE PYTHON KEEP)"
[[ $n =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]] || { echo "$usage" >&2; exit 2; }

# Paths given by the caller are taken relative to where it runs; the defaults relative to the repo.
repo=$(cd "$(dirname "$0")/../.." && pwd)
abs() { if [[ $1 = /* ]]; then echo "$1"; elif [[ -e $1 ]]; then echo "$PWD/$1"; else echo "$repo/$1"; fi; }
sextant=$(abs "${SEXTANT:-build/harness/sextant}")
model=$(abs "${MODEL:-models/SmolLM2-135M-Instruct.Q4_1.gguf}")
data=$(abs "${DATA_DIR:-${SEXTANT_DATA_DIR:-data}}")
configs=$(abs "${CONFIGS:-configs}")
[[ -x $sextant ]] || { echo "error: no sextant binary at $sextant (build it, or set SEXTANT)" >&2; exit 2; }
[[ -f $model ]] || { echo "error: no model file at $model (scripts/fetch-model.sh, or set MODEL)" >&2; exit 2; }
[[ -d $data/mmlu/test && -d $data/mmlu/dev ]] ||
  { echo "error: no mmlu/test and mmlu/dev under $data (set DATA_DIR)" >&2; exit 2; }
[[ -f $configs/datasets/mmlu.json ]] || { echo "error: no datasets/mmlu.json under $configs (set CONFIGS)" >&2; exit 2; }
command -v "$python" > /dev/null || { echo "error: no $python (set PYTHON)" >&2; exit 2; }
if ! missing=$("$python" - <<'PY' 2>/dev/null
import importlib.util
need = {"lm_eval": "lm-eval", "transformers": "transformers", "torch": "torch",
        "accelerate": "accelerate", "gguf": "gguf", "datasets": "datasets"}
gone = [pip for mod, pip in need.items() if importlib.util.find_spec(mod) is None]
print(" ".join(gone))
raise SystemExit(1 if gone else 0)
PY
); then
  echo "error: lm-evaluation-harness is not usable from $python (missing: ${missing:-?})." >&2
  echo "       install it with: pip install lm-eval accelerate gguf" >&2
  exit 2
fi

work=$(mktemp -d)
if [[ ${KEEP:-0} = 1 ]]; then trap 'echo "work directory kept: $work" >&2' EXIT; else trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work/tasks"

# lm-eval task files: the installed MMLU subject task with the local CSVs as its data, and
# the rows (--samples) that sextant's --limit N covers.
"$python" - "$data" "$n" "$work/tasks" > "$work/plan.txt" <<'PY'
import csv, json, os, sys
import lm_eval, yaml
data, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lm_mmlu = os.path.join(os.path.dirname(lm_eval.__file__), "tasks", "mmlu", "default")
test_dir, dev_dir = os.path.join(data, "mmlu", "test"), os.path.join(data, "mmlu", "dev")
def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f))
subjects = sorted(f[:-len("_test.csv")] for f in os.listdir(test_dir) if f.endswith("_test.csv"))
plan, left = [], n
for s in subjects:
    if left == 0:
        break
    k = min(left, rows(os.path.join(test_dir, f"{s}_test.csv")))
    plan.append((s, k)); left -= k
# The header-less CSVs read as text (the csv module, as sextant reads them) into cais/mmlu's
# shape. Not the datasets "csv" builder: pandas guesses column types per file, and a split
# whose option column is all numbers then fails to cast against the other split.
with open(os.path.join(out, "utils.py"), "w") as f:
    f.write('''# Local MMLU CSV files (question,A,B,C,D,answer; no header) as cais/mmlu splits.
import csv
import datasets


def load_csv(data_files, **_):
    def split(path):
        with open(path, newline="", encoding="utf-8") as f:
            return datasets.Dataset.from_list([
                {"question": q, "choices": [a, b, c, d], "answer": "ABCD".index(answer.strip())}
                for q, a, b, c, d, answer in csv.reader(f)])
    return datasets.DatasetDict({name: split(path) for name, path in data_files.items()})
''')
samples = {}
for s, k in plan:
    upstream = os.path.join(lm_mmlu, f"mmlu_{s}.yaml")
    if not os.path.isfile(upstream):
        sys.exit(f"error: lm-eval has no {upstream}; this script expects lm-eval's tasks/mmlu/default layout")
    if rows(os.path.join(dev_dir, f"{s}_dev.csv")) < 5:
        sys.exit(f"error: {dev_dir}/{s}_dev.csv has fewer than 5 rows")
    task = f"sextant_mmlu_{s}"
    cfg = {
        "include": upstream,
        "task": task, "task_alias": s, "tag": "sextant_mmlu_check",
        "dataset_path": os.path.join(data, "mmlu"), "dataset_name": None,  # informational: custom_dataset reads
        "dataset_kwargs": {
            "data_files": {"test": os.path.join(test_dir, f"{s}_test.csv"), "dev": os.path.join(dev_dir, f"{s}_dev.csv")},
        },
        "test_split": "test", "fewshot_split": "dev", "fewshot_config": {"sampler": "first_n"},
    }
    with open(os.path.join(out, f"{task}.yaml"), "w") as f:
        f.write(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
        f.write("custom_dataset: !function utils.load_csv\n")
    samples[task] = list(range(k))
json.dump(samples, open(os.path.join(out, "samples.json"), "w"))
print(" ".join(f"{s}:{k}" for s, k in plan))
print(n - left)
PY
read -r plan < "$work/plan.txt"
items=$(sed -n 2p "$work/plan.txt")
echo "MMLU 5-shot, $items items ($plan), $rounds round(s), $threads threads, lm-eval batch size $batch" >&2

# lm-eval driver: times the model load and the evaluation separately; keeps every sample.
cat > "$work/lmeval_run.py" <<'PY'
import json, sys, time
t_start = time.perf_counter()
model, tasks_dir, out, threads, batch = sys.argv[1:6]
import torch
torch.set_num_threads(int(threads))
import os
from lm_eval import simple_evaluate
from lm_eval.models.huggingface import HFLM
from lm_eval.tasks import TaskManager
t_import = time.perf_counter()
lm = HFLM(pretrained=os.path.dirname(model), gguf_file=os.path.basename(model), dtype="float32", device="cpu",
          batch_size=batch if batch == "auto" else int(batch))
t_loaded = time.perf_counter()
samples = json.load(open(os.path.join(tasks_dir, "samples.json")))
res = simple_evaluate(model=lm, tasks=list(samples), num_fewshot=5, samples=samples, log_samples=True,
                      task_manager=TaskManager(include_path=tasks_dir, include_defaults=False))
t_done = time.perf_counter()
# Prompt tokens of every item, and of the 5-shot prefix each subject's prompts share.
count = lambda text: len(lm.tok_encode(text, add_special_tokens=False))
items, shared = [], {}
for task in samples:
    docs = sorted(res["samples"][task], key=lambda d: d["doc_id"])
    contexts = [d["arguments"][0][0] for d in docs]
    prefix = os.path.commonprefix(contexts + [contexts[0][:-1]])
    shared[task] = count(prefix[: prefix.rfind("\n\n") + 2])
    for d, context in zip(docs, contexts):
        items.append({"task": task, "doc_id": d["doc_id"], "context": context, "tokens": count(context) + 1,
                      "continuations": [a[1] for a in d["arguments"]],
                      "logprobs": [r[0] for r in d["filtered_resps"]], "acc": d["acc"]})
json.dump({"import_s": t_import - t_start, "load_s": t_loaded - t_import, "eval_s": t_done - t_loaded,
           "torch_threads": torch.get_num_threads(), "batch_size": str(lm.batch_size),
           "shared_prefix_tokens": shared, "items": items}, open(out, "w"))
PY

export OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads TOKENIZERS_PARALLELISM=false
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1
now() { date +%s.%N; }
# CPU seconds that other processes use while a program runs (a busy machine skews the
# comparison): all busy CPU time in /proc/stat less this shell's children's (`times`, which
# has to run in this shell, not in a $(...) subshell).
busy() { if [[ -r /proc/stat ]]; then awk -v hz="$(getconf CLK_TCK)" '/^cpu /{print ($2+$3+$4+$7+$8)/hz}' /proc/stat; else echo 0; fi; }
children() { tail -n 1 "$1" | tr 'ms' '  ' | awk '{print $1*60+$2+$3*60+$4}'; }
measure() {  # NAME ROUND COMMAND...: runs COMMAND, writes NAME.ROUND.wall and NAME.ROUND.others
  local f=$work/$1.$2 b0 t0
  times > "$f.times0"; b0=$(busy); t0=$(now)
  "${@:3}" || return 1
  echo "$(now) - $t0" | bc > "$f.wall"
  times > "$f.times1"
  echo "$(busy) - $b0 - ($(children "$f.times1") - $(children "$f.times0"))" | bc > "$f.others"
}
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds: sextant" >&2
  if ! measure sextant "$r" "$sextant" eval --model "$model" --configs "$configs" --data-dir "$data" \
      --datasets mmlu:few-shot --chat off --limit "$items" --threads "$threads" --work-dir "$work/sextant.$r" --json \
      > "$work/sextant.$r.json" 2> "$work/sextant.$r.err"; then
    tail -n 20 "$work/sextant.$r.err" >&2; echo "error: sextant eval failed" >&2; exit 1
  fi
  echo "round $r/$rounds: lm-eval" >&2
  if ! measure lmeval "$r" "$python" "$work/lmeval_run.py" "$model" "$work/tasks" "$work/lmeval.$r.json" "$threads" "$batch" \
      > "$work/lmeval.$r.log" 2>&1; then
    tail -n 30 "$work/lmeval.$r.log" >&2; echo "error: lm-eval failed" >&2; exit 1
  fi
done

"$python" - "$work" "$rounds" "$items" "$model" <<'PY'
import json, os, statistics, sys
work, rounds, n, model = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
med = statistics.median
wall = lambda name, r: float(open(f"{work}/{name}.{r}.wall").read())
s_wall = [wall("sextant", r) for r in range(1, rounds + 1)]
l_wall = [wall("lmeval", r) for r in range(1, rounds + 1)]
s_eval = [json.load(open(f"{work}/sextant.{r}.json"))["seconds"] for r in range(1, rounds + 1)]
lm = [json.load(open(f"{work}/lmeval.{r}.json")) for r in range(1, rounds + 1)]
l_load = [x["load_s"] for x in lm]
l_eval = [x["eval_s"] for x in lm]

# The last round's samples: prompts, choices and scores item by item.
s_items = [json.loads(line) for line in open(f"{work}/sextant.{rounds}/runs/1/samples.jsonl")]
s_items.sort(key=lambda x: x["index"])
l_items = lm[-1]["items"]
if len(s_items) != n or len(l_items) != n:
    sys.exit(f"error: expected {n} items, sextant scored {len(s_items)} and lm-eval {len(l_items)}")
same_prompt = sum(s["prompt"] == l["context"] for s, l in zip(s_items, l_items))
same_conts = all(l["continuations"] == [" A", " B", " C", " D"] for l in l_items)
s_acc = sum(s["score"] for s in s_items) / n
l_acc = sum(l["acc"] for l in l_items) / n
argmax = lambda v: max(range(len(v)), key=v.__getitem__)
agree = sum(argmax(s["detail"]["logprobs"]) == argmax(l["logprobs"]) for s, l in zip(s_items, l_items))
diffs = [abs(a - b) for s, l in zip(s_items, l_items) for a, b in zip(s["detail"]["logprobs"], l["logprobs"])]

print(f"MMLU 5-shot, first {n} items of sextant's mmlu:few-shot, {rounds} alternating round(s); model {model.rsplit('/', 1)[-1]}")
print(f"lm-eval: hf (transformers, GGUF dequantized to float32), torch threads {lm[-1]['torch_threads']}, batch size {lm[-1]['batch_size']}")
print(f"prompts: {same_prompt}/{n} lm-eval contexts identical to sextant's prompts; "
      f"continuations ' A'..' D': {'yes' if same_conts else 'NO'}")
print(f"  first, sextant: {s_items[0]['prompt'][:300]!r}")
print(f"  first, lm-eval: {l_items[0]['context'][:300]!r}")
tokens = sum(l["tokens"] for l in l_items)
shared = lm[-1]["shared_prefix_tokens"]
print(f"  {tokens / n:.0f} prompt tokens per item ({tokens} in all), of which the subject's 5-shot prefix: "
      + ", ".join(f"{task.removeprefix('sextant_mmlu_')} {v}" for task, v in shared.items())
      + " (lm-eval runs it for every item, sextant's prefix cache about once per subject)")
fmt = lambda xs: " ".join(f"{x:7.1f}" for x in xs)
cores = os.cpu_count()
others = lambda name: " ".join(f"{100 * float(open(f'{work}/{name}.{r}.others').read()) / (wall(name, r) * cores):6.0f}%"
                               for r in range(1, rounds + 1))
print(f"CPU used by other processes during each round ({cores} cores): sextant {others('sextant')}, "
      f"lm-eval {others('lmeval')}")
print(f"{'seconds per round':26s} {'':8s}{'median':>8s}   items/s")
print(f"  sextant wall             {fmt(s_wall)}  | {med(s_wall):7.1f}   {n / med(s_wall):7.2f}")
print(f"  sextant eval (no load)   {fmt(s_eval)}  | {med(s_eval):7.1f}   {n / med(s_eval):7.2f}")
print(f"  lm-eval wall             {fmt(l_wall)}  | {med(l_wall):7.1f}   {n / med(l_wall):7.2f}")
print(f"  lm-eval model load       {fmt(l_load)}  | {med(l_load):7.1f}")
print(f"  lm-eval eval (no load)   {fmt(l_eval)}  | {med(l_eval):7.1f}   {n / med(l_eval):7.2f}")
print(f"speed ratio (lm-eval seconds / sextant seconds, medians): wall {med(l_wall) / med(s_wall):.2f}x, "
      f"eval without model load {med(l_eval) / med(s_eval):.2f}x")
print(f"accuracy: sextant {100 * s_acc:.2f}  lm-eval {100 * l_acc:.2f}  difference {100 * (s_acc - l_acc):+.2f} points")
subjects = list(dict.fromkeys(l["task"] for l in l_items))
if len(subjects) > 1:
    for task in subjects:
        pairs = [(s["score"], l["acc"]) for s, l in zip(s_items, l_items) if l["task"] == task]
        print(f"  {task.removeprefix('sextant_mmlu_'):24s} ({len(pairs)} items): sextant {100 * sum(p[0] for p in pairs) / len(pairs):6.2f}"
              f"  lm-eval {100 * sum(p[1] for p in pairs) / len(pairs):6.2f}")
print(f"  same predicted letter on {agree}/{n} items; per-choice log-probability |sextant - lm-eval| "
      f"mean {statistics.fmean(diffs):.3f}, max {max(diffs):.3f}")
if same_prompt != n or not same_conts:
    first = next(i for i, (s, l) in enumerate(zip(s_items, l_items)) if s["prompt"] != l["context"]) if same_prompt != n else 0
    print(f"error: prompts differ (first at item {first}):\n--- sextant\n{s_items[first]['prompt'][-600:]!r}\n"
          f"--- lm-eval\n{l_items[first]['context'][-600:]!r}", file=sys.stderr)
    sys.exit(1)
PY
