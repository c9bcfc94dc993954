#!/usr/bin/env bash
# GPU machine, part 3: the WebGPU paths that keep tensors on the device (bench --device-outputs, the tracking
# loop with --device-copies, alone and mixed with ort-cpu) and bench's own test suite with a real WebGPU adapter.
#   source .device/on-device.sh && bash scripts/device/run-webgpu.sh
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
out=/tmp/webgpu-results
rm -rf "$out"
mkdir -p "$out/logs"
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
step() { echo "== $1"; }
threads=$(nproc)
[[ -f /tmp/zoo/manifest.json ]] || bin graph-surgery graph-surgery zoo efficienttam-ti --size full --seed 1 -o /tmp/zoo > /dev/null

step "bench per module, webgpu outputs kept on the GPU"
bin bench bench --stack ort-webgpu --models /tmp/zoo --time-ms 2000 --warmup 5 --device-outputs --label device \
  -o "$out/bench-webgpu-device-outputs.json" > "$out/logs/bench-device-outputs.log" 2>&1
for spec in ort-webgpu 'image_encoder=ort-webgpu,memory_attention=ort-webgpu,mask_decoder=ort-cpu,memory_encoder=ort-webgpu'; do
  name=$(echo "$spec" | tr ',=' '_-' | cut -c1-60)
  step "pipeline $spec"
  bin bench bench pipeline --models /tmp/zoo --stack "$spec" --threads "$threads" --frames 24 --warmup-frames 8 \
    --isolated-iterations 20 --device-copies --label device -o "$out/pipeline-$name.json" > "$out/logs/pipeline-$name.log" 2>&1
done
step "baked zoo (mask resize + box in the graph, preprocessing in the graph) through the loop on ort-webgpu"
mkdir -p /tmp/zoo-baked
bin graph-surgery graph-surgery bake /tmp/zoo/mask_decoder.onnx -o /tmp/zoo-baked/mask_decoder.onnx --box > /dev/null
bin graph-surgery graph-surgery bake /tmp/zoo/image_encoder.onnx -o /tmp/zoo-baked/image_encoder.onnx > /dev/null
cp /tmp/zoo/memory_attention.onnx /tmp/zoo/memory_encoder.onnx /tmp/zoo/tracker-params.json /tmp/zoo-baked/
bin bench bench pipeline --models /tmp/zoo --variant unbaked --models /tmp/zoo-baked --variant baked --stack ort-webgpu \
  --threads "$threads" --frames 24 --warmup-frames 8 --isolated-iterations 20 --label device \
  -o "$out/pipeline-webgpu-baked-vs-unbaked.json" > "$out/logs/pipeline-baked.log" 2>&1
step "bench test suite with a WebGPU adapter"
node node_modules/vitest/vitest.mjs run packages/bench > "$out/logs/vitest-bench.log" 2>&1
tar -czf "$final/webgpu-results.tar.gz" -C "$(dirname "$out")" "$(basename "$out")"
echo done
