#!/usr/bin/env bash
# GPU machine, part 7: the pipeline-overhead benchmark in rounds (host worker against host stages in process) on
# ort-webgpu and ort-cpu, full zoo, 16 threads, plus the preprocessing benchmark.
#   source .device/on-device.sh && bash scripts/device/run-pipeline-rounds.sh
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
[[ -f /tmp/zoo/manifest.json ]] || bin graph-surgery graph-surgery zoo efficienttam-ti --size full --seed 1 -o /tmp/zoo > /dev/null
quiet() { grep -v "Warning\|at operator\|tracking\.\.\." ; }
po() { node packages/bench/bench/pipeline-overhead.mjs --models /tmp/zoo --threads "$(nproc)" --no-spinning-run "$@"; }
po --stack ort-webgpu --frames "${WEBGPU_FRAMES:-64}" --rounds 3 --isolated-iterations 5 \
  --out "$final/pipeline-overhead-webgpu-rounds.json" 2>&1 | quiet
po --stack ort-cpu --frames "${CPU_FRAMES:-24}" --rounds 3 --isolated-iterations 2 \
  --out "$final/pipeline-overhead-cpu-rounds.json" 2>&1 | quiet
node packages/bench/bench/preprocess.mjs 2>&1 | tail -11
cp reports/preprocess.json "$final/preprocess-h200.json" 2>/dev/null
tar -C "$final" -czf "$final/pipeline-rounds.tgz" --exclude pipeline-rounds.tgz . 2>/dev/null
