#!/usr/bin/env bash
# GPU machine, part 4: the baked zoo against the unbaked one through the tracking loop on ort-webgpu (mask
# resize and box in the mask_decoder graph, preprocessing with the resize in the image_encoder graph).
#   source .device/on-device.sh && bash scripts/device/run-baked.sh
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
[[ -f /tmp/zoo/manifest.json ]] || bin graph-surgery graph-surgery zoo efficienttam-ti --size full --seed 1 -o /tmp/zoo > /dev/null
rm -rf /tmp/zoo-baked && mkdir -p /tmp/zoo-baked
bin graph-surgery graph-surgery bake /tmp/zoo/mask_decoder.onnx -o /tmp/zoo-baked/mask_decoder.onnx --box > /dev/null
bin graph-surgery graph-surgery bake /tmp/zoo/image_encoder.onnx -o /tmp/zoo-baked/image_encoder.onnx --resize-input > /dev/null
cp /tmp/zoo/memory_attention.onnx /tmp/zoo/memory_encoder.onnx /tmp/zoo/tracker-params.json /tmp/zoo-baked/
bin bench bench pipeline --models /tmp/zoo --variant unbaked --models /tmp/zoo-baked --variant baked --stack ort-webgpu \
  --threads "$(nproc)" --frames 24 --warmup-frames 8 --isolated-iterations 20 --label device \
  -o "$final/pipeline-webgpu-baked-vs-unbaked.json" 2>&1 | grep -v "Warning\|at operator"
