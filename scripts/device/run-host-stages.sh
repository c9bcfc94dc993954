#!/usr/bin/env bash
# GPU machine, part 6: the chained loop with its host stages beside inference (worker thread, deferred
# memory_encoder) against the same loop with host stages in process, on ort-webgpu and ort-cpu, plus a CPU
# profile of the WebGPU loop (where the remaining host time goes).
#   source .device/on-device.sh && bash scripts/device/run-host-stages.sh
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
frames=${FRAMES:-48}
iso=${ISO:-10}
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
[[ -f /tmp/zoo/manifest.json ]] || bin graph-surgery graph-surgery zoo efficienttam-ti --size full --seed 1 -o /tmp/zoo > /dev/null
quiet() { grep -v "Warning\|at operator" | head -6; }
for hw in host-worker no-host-worker; do
  bin bench bench pipeline --models /tmp/zoo --stack ort-webgpu --threads "$(nproc)" --frames "$frames" \
    --warmup-frames 8 --isolated-iterations "$iso" --$hw -o "$final/pipeline-ort-webgpu-$hw.json" 2>&1 | quiet
done
bin bench bench pipeline --models /tmp/zoo --stack ort-webgpu --threads "$(nproc)" --frames "$frames" --warmup-frames 8 \
  --isolated-iterations "$iso" --device-copies -o "$final/pipeline-ort-webgpu-device.json" 2>&1 | quiet
bin bench bench pipeline --models /tmp/zoo --stack ort-cpu --threads "$(nproc)" --frames 24 --warmup-frames 8 \
  --isolated-iterations 5 -o "$final/pipeline-ort-cpu-host-worker.json" 2>&1 | quiet
mkdir -p "$final/prof"
node --cpu-prof --cpu-prof-dir="$final/prof" packages/bench/bin/bench.js pipeline --models /tmp/zoo --stack ort-webgpu \
  --frames 32 --warmup-frames 8 --isolated-iterations 0 2>&1 | quiet
node packages/bench/bench/preprocess.mjs 2>&1 | tail -12
cp reports/preprocess.json "$final/" 2>/dev/null
tar -C "$final" -czf "$final/host-stages.tgz" --exclude host-stages.tgz . 2>/dev/null
ls -la "$final"
