#!/usr/bin/env bash
# GPU machine, part 2: native FP16 on the WebGPU stack (the CPU stack hides FP16 overflow). The outlier zoo
# breaks in native FP16, FP32 islands repair it, emulation and native agree on which tensors overflow, and
# bisection on native FP16 finds the culprits. Results land in $OUT.
#   source .device/on-device.sh && bash scripts/device/run-precision.sh
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
# The device tool returns a handful of files: collect everything in one folder and hand back one archive.
out=/tmp/precision-results
rm -rf "$out"
mkdir -p "$out/logs"
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
step() { echo "== $1"; }

step "zoos with outliers"
for size in full tiny; do
  bin graph-surgery graph-surgery zoo efficienttam-ti --size $size --seed 1 --outliers -o /tmp/zoo-$size > /dev/null
  # onnxruntime-node 1.30 WebGPU fails on an FP16 cubic Resize (the pos-embed interpolation): keep Resize FP32.
  bin graph-surgery graph-surgery fp16 /tmp/zoo-$size -o /tmp/zoo-$size-fp16 --keep-io-types --block-ops Resize > /dev/null
  # The mixed preset on the whole folder; a module without a pattern (memory_encoder has no attention) is a note.
  bin graph-surgery graph-surgery fp32-islands /tmp/zoo-$size-fp16 -o /tmp/zoo-$size-islands --pattern mixed > /dev/null
done
cp /tmp/zoo-full/manifest.json "$out/manifest-outliers-full.json"

for size in full tiny; do
  step "fidelity $size: native FP16 and FP16 + FP32 islands on ort-webgpu vs FP32 on ort-cpu"
  for variant in fp16 islands; do
    bin eval track-eval fidelity --models /tmp/zoo-$size-$variant --reference-models /tmp/zoo-$size --stack ort-webgpu \
      --reference ort-cpu --frames 12 --runs 5 --out "$out/fidelity-$size-$variant-webgpu.json" > "$out/logs/fidelity-$size-$variant.log" 2>&1
  done
  bin eval track-eval fidelity --models /tmp/zoo-$size --stack ort-webgpu --reference ort-cpu --frames 12 --runs 5 \
    --out "$out/fidelity-$size-fp32-webgpu.json" > "$out/logs/fidelity-$size-fp32.log" 2>&1
done

step "emulation vs native FP16: which tensors overflow"
node --conditions=source --import tsx packages/graph-surgery/bench/fp16-overflow-agreement.ts --ep webgpu --block-ops Resize \
  --out "$out/fp16-overflow-agreement-webgpu.json" /tmp/zoo-tiny/image_encoder.onnx /tmp/zoo-full/image_encoder.onnx \
  > "$out/logs/fp16-overflow-agreement.log" 2>&1

step "bisect on native FP16 (ort-webgpu)"
for size in tiny full; do
  bin eval track-eval bisect --models /tmp/zoo-$size --stack ort-webgpu --mode native --module image_encoder \
    --block-ops Resize --reference-stack ort-cpu --runs 5 --plan-out "$out/plan-$size-webgpu.json" --out "$out/bisect-$size-webgpu.json" \
    > "$out/logs/bisect-$size.log" 2>&1
done
tar -czf "$final/precision-results.tar.gz" -C "$(dirname "$out")" "$(basename "$out")"
echo done
