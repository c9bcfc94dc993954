#!/usr/bin/env bash
# GPU machine, issue 12 (static shapes): the full zoo (seed 1) against its specialised copy at bench's default
# shapes (memory bank full: 7232 tokens, 64 of them pointer tokens; a box prompt: 2 points), per module on
# ort-cuda (when the CUDA provider is staged, see ../shared/device/cuda-ep.sh) and ort-webgpu, in one run, with
# ONNX Runtime's placement (nodes and kernel time per provider); plus the specialisation's own time on 16 cores.
# Writes $OUT/specialize.json (the pass reports), bench-original.json, bench-static.json and summary.txt.
#   source .device/on-device.sh && bash scripts/device/run-specialize.sh
# STACKS overrides the stacks (default "ort-cuda ort-webgpu"; on the dev machine: STACKS=ort-cpu TIME_MS=300).
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
zoo=${ZOO:-/tmp/zoo}
static=${STATIC:-/tmp/zoo-static}
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
[[ -f $zoo/manifest.json ]] || bin graph-surgery graph-surgery zoo efficienttam-ti --size full --seed 1 -o "$zoo" > /dev/null
rm -rf "$static"
start=$(date +%s%3N)
bin graph-surgery graph-surgery specialize "$zoo" -o "$static" --dim num_mem_tokens=7232 --dim num_points=2 \
  --value num_obj_ptr_tokens=64 --json > "$final/specialize.json" 2> "$final/specialize.log"
echo "specialize (4 modules, wall, incl. reading and writing): $(($(date +%s%3N) - start)) ms" > "$final/specialize-time.txt"
stacks=()
for s in ${STACKS:-ort-cuda ort-webgpu}; do stacks+=(--stack "$s"); done
for variant in original static; do
  dir=$zoo; [[ $variant == static ]] && dir=$static
  bin bench bench "${stacks[@]}" --models "$dir" --threads "$(nproc)" --time-ms "${TIME_MS:-3000}" --warmup 5 \
    --label "$variant" --json "$final/bench-$variant.json" > "$final/bench-$variant.log" 2>&1
done
node scripts/device/specialize-summary.mjs "$final" | tee "$final/summary.txt"
