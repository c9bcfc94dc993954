#!/usr/bin/env bash
# GPU machine, part 5: the two overhead goals with longer runs on the quiet 16-core host: bench's harness against a
# bare session.run loop, and the chained loop against the isolated modules on ort-cpu and ort-webgpu.
#   source .device/on-device.sh && bash scripts/device/run-overhead.sh
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
[[ -f /tmp/zoo/manifest.json ]] || bin graph-surgery graph-surgery zoo efficienttam-ti --size full --seed 1 -o /tmp/zoo > /dev/null
node packages/bench/bench/harness-overhead.mjs --models /tmp/zoo --threads "$(nproc)" --iterations 20 --rounds 20 \
  --out "$final/harness-overhead-long.json" 2>&1 | grep -v "Warning\|at operator"
for stack in ort-cpu ort-webgpu; do
  bin bench bench pipeline --models /tmp/zoo --stack $stack --threads "$(nproc)" --frames 48 --warmup-frames 8 \
    --isolated-iterations 20 --label device -o "$final/pipeline-$stack-long.json" 2>&1 | grep -v "Warning\|at operator" | head -4
done
