#!/usr/bin/env bash
# GPU machine: does the mixed preset keep every module of the export-style zoo under 1% on native FP16 (WebGPU),
# and which FP16 accumulation chunk makes CPU emulation agree with native FP16 on memory_attention? (issue 11,
# item 4). Packed with scripts/device/prepare.sh; then, with carry [".device"]:
#   source .device/on-device.sh && bash scripts/device/run-accumulation.sh
# Writes the fidelity reports, logs and accumulation-summary.json (one table: variant x module, max relative L2
# error against FP32 on ort-cpu) into $OUT as one archive. Native runs come first (about 2 minutes); each
# accumulation chunk then adds 1-3 minutes on 16 cores, chunk 1 the most (CHUNKS='16 4' to stay short).
# For a dry run on a CPU-only machine: SIZE=tiny GPU_STACK=ort-cpu CHUNKS=16 TAMKIT_ROOT=. OUT=/tmp/x bash ...
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
out=/tmp/accumulation-results
rm -rf "$out" /tmp/acc
mkdir -p "$out/logs" /tmp/acc
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
gs() { bin graph-surgery graph-surgery "$@"; }
step() { echo "== $1 ($(date +%T))"; }
# Per-module fidelity against FP32 on ort-cpu with realistic inputs (memory_attention: a full bank, 7232 tokens).
fidelity() { # name stack models [extra...]
  local name=$1 stack=$2 models=$3
  shift 3
  timeout "${FIDELITY_TIMEOUT:-300}" node packages/eval/bin/track-eval.js fidelity --models "$models" --reference-models /tmp/acc/zoo \
    --stack "$stack" --reference ort-cpu --runs 0 --out "$out/fidelity-$name.json" "$@" > "$out/logs/fidelity-$name.log" 2>&1 ||
    echo "fidelity $name failed (exit $?), see logs/fidelity-$name.log"
}

step "export-style zoo (seed 1), native FP16, islands"
gs zoo efficienttam-ti --size "${SIZE:-full}" --seed 1 -o /tmp/acc/zoo > "$out/logs/zoo.log"
cp /tmp/acc/zoo/manifest.json "$out/manifest.json"
# onnxruntime-node 1.30 WebGPU fails on an FP16 cubic Resize: keep Resize FP32 in every native variant.
gs fp16 /tmp/acc/zoo -o /tmp/acc/fp16 --keep-io-types --block-ops Resize > "$out/logs/fp16.log" 2>&1
gs fp32-islands /tmp/acc/fp16 -o /tmp/acc/mixed --pattern mixed --json > "$out/islands-mixed.json" 2> "$out/logs/islands-mixed.log"
gs fp32-islands /tmp/acc/fp16 -o /tmp/acc/scores --pattern attention-scores layernorm --json > "$out/islands-scores.json" 2> "$out/logs/islands-scores.log"

step "native FP16 on ort-webgpu: plain, old islands (scores + norms), mixed preset; FP32 on WebGPU as the floor"
gpu=${GPU_STACK:-ort-webgpu}
fidelity webgpu-fp32 "$gpu" /tmp/acc/zoo --frames 12
fidelity webgpu-fp16 "$gpu" /tmp/acc/fp16 --frames 12
fidelity webgpu-scores "$gpu" /tmp/acc/scores --frames 12
fidelity webgpu-mixed "$gpu" /tmp/acc/mixed --frames 12

step "emulation on ort-cpu: storage only (all modules), then memory_attention with accumulation chunks"
gs emulate-fp16 /tmp/acc/zoo -o /tmp/acc/emu-storage > "$out/logs/emu-storage.log" 2>&1
fidelity cpu-emu-storage ort-cpu /tmp/acc/emu-storage --frames 0
for chunk in ${CHUNKS:-16 4 1}; do
  mkdir -p "/tmp/acc/emu-acc$chunk" "/tmp/acc/emu-acc$chunk-mixed"
  gs emulate-fp16 /tmp/acc/zoo/memory_attention.onnx -o "/tmp/acc/emu-acc$chunk/memory_attention.onnx" \
    --accumulate "$chunk" >> "$out/logs/emu-acc.log" 2>&1
  fidelity "cpu-emu-acc$chunk" ort-cpu "/tmp/acc/emu-acc$chunk" --frames 0
  gs emulate-fp16 /tmp/acc/zoo/memory_attention.onnx -o "/tmp/acc/emu-acc$chunk-mixed/memory_attention.onnx" \
    --accumulate "$chunk" --except-pattern mixed >> "$out/logs/emu-acc.log" 2>&1
  fidelity "cpu-emu-acc$chunk-mixed" ort-cpu "/tmp/acc/emu-acc$chunk-mixed" --frames 0
done

step "summary"
node scripts/device/accumulation-summary.mjs "$out" | tee "$out/summary.txt"
tar -czf "$final/accumulation-results.tar.gz" -C "$(dirname "$out")" "$(basename "$out")"
echo done
