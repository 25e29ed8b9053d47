#!/usr/bin/env bash
# `sextant serve` follows a real evaluation written to its store: /api/progress shows the task
# part done, then the run finishes and /api/runs/{id}/scores holds the score `sextant eval
# --json` printed; the page carries it; malformed requests get a 4xx and the server answers on;
# SIGTERM stops it with exit code 0. [reports][serve]
# usage: dashboard.sh SEXTANT  (model: $SEXTANT_TEST_MODEL or models/...; data: $SEXTANT_DATA_DIR)
set -euo pipefail
sextant=$1
source "$(dirname "$0")/needs_model_and_arc.sh"
work=$(mktemp -d)
serve_pid=
eval_pid=
cleanup() {
  [ -n "$eval_pid" ] && kill "$eval_pid" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*"
  for f in serve.err eval.err; do [ -f "$work/$f" ] && { echo "--- $f"; tail -n 20 "$work/$f"; }; done
  exit 1
}

"$sextant" serve --work-dir "$work/store" --port 0 > "$work/serve.out" 2> "$work/serve.err" &
serve_pid=$!
url=
for _ in $(seq 1 100); do
  url=$(head -n 1 "$work/serve.out" 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[[ "$url" =~ ^http://127\.0\.0\.1:([0-9]+)/$ ]] || fail "serve printed no loopback URL (got '$url')"
port=${BASH_REMATCH[1]}

fetch() { curl -sS --max-time 10 "$@"; }
status() { curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$@"; }

# No store yet: the page and the API answer all the same.
[ "$(status "$url")" = 200 ] || fail "the page of an empty work directory did not answer 200"
[ "$(fetch "${url}api/runs" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["runs"]))')" = 0 ] ||
  fail "runs listed before any eval"

"$sextant" eval --model "$model" --data-dir "$data" --datasets arc_easy --limit 64 --chat off --threads 2 --json \
  --work-dir "$work/store" > "$work/eval.json" 2> "$work/eval.err" &
eval_pid=$!

# While it runs: the task seen part done. The first row (done 0 of 64) is written as the task
# starts, the next as each chunk of 32 samples is stored; a poll that catches one between
# chunks also shows items/s.
: > "$work/seen"
while kill -0 "$eval_pid" 2>/dev/null; do
  fetch "${url}api/progress" > "$work/progress.json" || fail "/api/progress did not answer"
  python3 - "$work/progress.json" >> "$work/seen" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
for run in p["runs"]:
    for t in run["tasks"]:
        if t["dataset"] == "arc_easy" and t["done"] < t["total"]:
            rate = t["items_per_s"]
            print(f'{t["done"]}/{t["total"]} at {t["updated_at"]}' + (f", {rate:.1f} items/s" if rate else ""))
PY
  sleep 0.2
done
[ -s "$work/seen" ] || fail "/api/progress never showed arc_easy part done"
echo "progress seen while the eval ran:"
sort -u "$work/seen" | sed 's/^/  /'

# Until it finishes: the store says so too.
wait "$eval_pid" || fail "sextant eval failed"
eval_pid=
run_id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["run_id"])' "$work/eval.json")
finished=
for _ in $(seq 1 100); do
  fetch "${url}api/runs" > "$work/runs.json" || fail "/api/runs did not answer"
  finished=$(python3 - "$work/runs.json" "$run_id" <<'PY'
import json, sys
runs = [r for r in json.load(open(sys.argv[1]))["runs"] if r["id"] == int(sys.argv[2])]
print("yes" if runs and runs[0]["finished_at"] else "")
PY
)
  [ -n "$finished" ] && break
  sleep 0.1
done
[ -n "$finished" ] || fail "run $run_id never showed as finished in /api/runs"
fetch "${url}api/progress" > "$work/progress.json"
python3 -c 'import json,sys; sys.exit(1 if json.load(open(sys.argv[1]))["runs"] else 0)' "$work/progress.json" ||
  fail "/api/progress still lists a run after it finished"

fetch "${url}api/runs/$run_id/scores" > "$work/scores.json" || fail "/api/runs/$run_id/scores did not answer"
python3 - "$work/eval.json" "$work/scores.json" <<'PY' || fail "the served score differs from eval --json"
import json, sys
task = json.load(open(sys.argv[1]))["tasks"][0]
served = json.load(open(sys.argv[2]))["scores"]
headline = [s for s in served if s["dataset"] == "arc_easy" and s["headline"]]
assert len(headline) == 1, served
s = headline[0]
want = task["metrics"][task["headline"]]
assert s["metric"] == task["headline"], (s, task["headline"])
assert s["value"] == want["value"], (s["value"], want["value"])
assert s["ci"] == want["ci95"] and s["samples"] == want["samples"] == 64, (s, want)
assert s["mode"] == task["mode"] and s["version"] == task["version"], (s, task)
print(f'served {s["metric"]} {s["value"]} for arc_easy, as eval --json printed')
PY

# The page: the report with the score in it.
headers=$(curl -sS --max-time 30 -D - -o "$work/page.html" "$url") || fail "the page did not answer"
grep -q '^HTTP/1.1 200' <<< "$headers" || fail "the page did not answer 200"
grep -qi '^Content-Type: text/html' <<< "$headers" || fail "the page is not text/html"
grep -q '"dataset":"arc_easy"' "$work/page.html" || fail "the page does not hold arc_easy's row"
grep -q "SmolLM2-135M-Instruct" "$work/page.html" || fail "the page does not name the model"

# Malformed requests: a 4xx each, and the server answers on.
raw() {  # sends raw bytes (printf format) and prints the status line's code
  exec 3<> "/dev/tcp/127.0.0.1/$port"
  printf "$1" >&3
  timeout 10 head -c 12 <&3 | cut -c 10-12
  exec 3>&-
}
expect_4xx() {
  [[ "$2" =~ ^4[0-9][0-9]$ ]] || fail "$1 got '$2', not a 4xx"
  echo "$1: $2"
}
expect_4xx "garbage bytes" "$(raw '\x16\x03\x01\x02\x00garbage\r\n\r\n')"
head -c 102400 /dev/zero | tr '\0' x | sed 's/^/X-Big: /' > "$work/big-header"
expect_4xx "a 100 KiB header" "$(status -H @"$work/big-header" "$url")"
expect_4xx "a POST" "$(status -X POST -d '{"a": 1}' "${url}api/runs")"
expect_4xx "/api/runs/abc/scores" "$(status "${url}api/runs/abc/scores")"
expect_4xx "a path with .." "$(status --path-as-is "${url}api/../../etc/passwd")"
expect_4xx "an unknown path" "$(status "${url}no/such/page")"
expect_4xx "a request line of 10 KiB" "$(status "${url}$(head -c 10240 /dev/zero | tr '\0' a)")"
kill -0 "$serve_pid" 2>/dev/null || fail "the server died"
[ "$(status "${url}api/runs")" = 200 ] || fail "the server stopped answering after the malformed requests"

# SIGTERM stops it cleanly.
kill -TERM "$serve_pid"
code=0
wait "$serve_pid" || code=$?
serve_pid=
[ "$code" = 0 ] || fail "serve exited with $code on SIGTERM"
grep -q '^stopped$' "$work/serve.err" || fail "serve did not say it stopped"
echo "serve followed the eval live, served its score, refused malformed requests and stopped on SIGTERM"
