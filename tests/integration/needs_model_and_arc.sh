# Sourced by the integration tests: sets `root`, `model` ($SEXTANT_TEST_MODEL or the model in
# models/) and `data` ($SEXTANT_DATA_DIR), or says why the test is skipped and exits 0.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
model=${SEXTANT_TEST_MODEL:-$root/models/SmolLM2-135M-Instruct.Q4_1.gguf}
data=${SEXTANT_DATA_DIR:-}
if [ ! -f "$model" ] || [ -z "$data" ] || [ ! -d "$data/arc" ]; then
  echo "skipped: needs the real model and SEXTANT_DATA_DIR with arc/"
  exit 0
fi
