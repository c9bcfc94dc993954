#!/usr/bin/env bash
# GPU machine (16 cores, Python 3.12 with onnxruntime 1.30 CPU and numpy), issue 11 item 9: bench's ort-cpu
# (onnxruntime-node) against Python's onnxruntime CPU EP on the same full-zoo files and input bytes, in the same
# call, with identical intra-op thread settings: once at ONNX Runtime's default thread count (what Python users
# get) and once at --threads $(nproc) (what earlier device runs passed). Node runs three session settings
# (spinning as ORT ships it, spinning stopped after each run, no spinning), Python two (defaults, stopped after
# each run). Then the tracking loop on ort-cpu with the loop's new default (spinning within a run) against
# --no-spinning (its old default). Writes to $OUT: cpu-parity-default.json, cpu-parity-nproc.json,
# pipeline-spin.json, pipeline-no-spin.json, lscpu.txt and summary.txt (the tables).
#   source .device/on-device.sh && bash scripts/device/run-cpu-parity.sh
BUDGET=180 # seconds, whole script; each step is time-boxed below
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
zoo=${ZOO:-/tmp/zoo}
py=${PYTHON:-python3}
summary=$final/summary.txt
: > "$summary"
lscpu > "$final/lscpu.txt" 2>&1
echo "cores: $(nproc) logical; $(lscpu -p=core,socket 2>/dev/null | grep -v '^#' | sort -u | wc -l) physical; budget ${BUDGET}s" | tee -a "$summary"
[[ -f $zoo/manifest.json ]] || timeout 30 node packages/graph-surgery/bin/graph-surgery.js zoo efficienttam-ti --size full --seed 1 -o "$zoo" > /dev/null
parity() { # $1 = name, rest = extra args
  local name=$1; shift
  echo "== cpu parity, threads: $name" | tee -a "$summary"
  timeout 55 node packages/bench/bench/cpu-parity.mjs --models "$zoo" --python "$py" --iterations 8 --rounds 4 \
    --warmup 3 --out "$final/cpu-parity-$name.json" "$@" 2>&1 | tee -a "$summary"
}
parity default
parity nproc --threads "$(nproc)"
for variant in spin no-spin; do
  extra=(); [[ $variant == no-spin ]] && extra=(--no-spinning)
  echo "== pipeline ort-cpu, $variant" | tee -a "$summary"
  timeout 30 node packages/bench/bin/bench.js pipeline --models "$zoo" --stack ort-cpu --frames 16 --warmup-frames 8 \
    --isolated-iterations 1 "${extra[@]}" --label "$variant" -o "$final/pipeline-$variant.json" 2>&1 \
    | grep -v 'frames \[' | tail -12 | tee -a "$summary"
done
echo "done in ${SECONDS}s (budget ${BUDGET}s)" | tee -a "$summary"
