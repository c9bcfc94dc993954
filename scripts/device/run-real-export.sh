#!/usr/bin/env bash
# GPU machine, issue 11 ("Real exports first", done-when) and issue 17: a real PyTorch export of EfficientTAM-Ti
# (scripts/device/real-export, torch 2.x of the machine, random weights) put through every README command with
# its defaults, then the fidelity of native FP16 with the default mixed preset per module on ort-webgpu and
# ort-cuda (against FP32 on ort-cpu), for the real export and the export-style zoo, and the three stacks side by
# side on the real export, original against specialised. Carry [".device", ".efficienttam-src"]:
#   source .device/on-device.sh && bash scripts/device/run-real-export.sh
# Every step has its own timeout and its exit code in steps.tsv; the whole stays under BUDGET_S (default 540).
# Writes $OUT/real-export-summary.txt and $OUT/real-export-results.tgz (logs, JSON reports, export.json).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
caller=$PWD
src=${EFFICIENTTAM_SRC:-$caller/.efficienttam-src}
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
BUDGET_S=${BUDGET_S:-540}
real=${REAL:-/tmp/real-export}
zoo=/tmp/zoo-real-check
w=/tmp/real-work
rm -rf "$w"
mkdir -p "$w"
gs() { node packages/graph-surgery/bin/graph-surgery.js "$@"; }
bench() { node packages/bench/bin/bench.js "$@"; }
te() { node packages/eval/bin/track-eval.js "$@"; }
eb() { node packages/engine-builder/bin/engine-builder.js "$@"; }
export -f gs bench te eb

source "$here/lib/steps.sh"
steps_begin /tmp/real-results

# 1. The export, as a user makes it (skipped when REAL already holds one).
if [[ ! -f $real/export.json ]]; then
  step export 240 python3 scripts/device/real-export/export_efficienttam.py "$src" "$real"
fi
cp "$real/export.json" "$out/" 2>/dev/null
step zoo 60 gs zoo efficienttam-ti --size full --seed 1 -o "$zoo"

# 2. The README's commands on the real export, defaults only.
for m in image_encoder memory_attention mask_decoder memory_encoder; do
  step "inspect-$m" 30 gs inspect "$real/$m.onnx"
done
step bake-mask-decoder 60 gs bake "$real/mask_decoder.onnx" -o "$w/baked/mask_decoder.onnx"
step bake-mask-decoder-box 60 gs bake "$real/mask_decoder.onnx" -o "$w/baked-box/mask_decoder.onnx" --box
step bake-image-encoder 60 gs bake "$real/image_encoder.onnx" -o "$w/baked/image_encoder.onnx"
step specialize 90 gs specialize "$real" -o "$w/static" --dim num_mem_tokens=7232 --dim num_points=2 \
  --value num_obj_ptr_tokens=64
step fp16 90 gs fp16 "$real" -o "$w/fp16" --keep-io-types
step islands-mixed 90 gs fp32-islands "$w/fp16" -o "$w/mixed" --fp32-patterns mixed
step zoo-fp16 90 gs fp16 "$zoo" -o "$w/zoo-fp16" --keep-io-types
step zoo-islands-mixed 90 gs fp32-islands "$w/zoo-fp16" -o "$w/zoo-mixed" --fp32-patterns mixed
step print-command 30 eb build "$real/image_encoder.onnx" --precision fp16 --trt-version 10 --print-command

# 3. Fidelity of native FP16 (mixed preset) per module against FP32 on ort-cpu: the done-when of issue 11.
fidelity() { # NAME STACK MODELS REFERENCE
  step "fidelity-$1" 120 te fidelity --models "$3" --reference-models "$4" --stack "$2" --reference-stack ort-cpu \
    --frames 12 --iterations 0 --out "$out/fidelity-$1.json"
}
fidelity real-mixed-webgpu ort-webgpu "$w/mixed" "$real"
fidelity real-mixed-cuda ort-cuda "$w/mixed" "$real"
fidelity zoo-mixed-webgpu ort-webgpu "$w/zoo-mixed" "$zoo"
fidelity zoo-mixed-cuda ort-cuda "$w/zoo-mixed" "$zoo"
fidelity real-fp16-cuda ort-cuda "$w/fp16" "$real"

# 4. Three stacks side by side on the real export (placement included), original and specialised; the loop.
step bench-real 150 bench --stack ort-cpu --stack ort-webgpu --stack ort-cuda --models "$real" --time-ms 2000 \
  --warmup 5 --label real-original -o "$out/bench-real.json"
step bench-real-static 120 bench --stack ort-webgpu --stack ort-cuda --models "$w/static" --time-ms 2000 \
  --warmup 5 --label real-static -o "$out/bench-real-static.json"
step pipeline-real-cuda 90 bench pipeline --models "$real" --stack ort-cuda --frames 32 -o "$out/pipeline-real-cuda.json"

# 5. The LaSOT path on a synthetic sequence with the real export.
step synth 30 te synth -o "$w/lasot" --count 1 --frames 30
step lasot 90 te lasot --root "$w/lasot" --models "$real" --stack ort-cuda -o "$w/lasot-results"

{
  echo "run-real-export.sh on $(hostname), $(date -u +%FT%TZ), ${SECONDS}s"
  nvidia-smi --query-gpu=name,driver_version --format=csv,noheader
  steps_table
  echo "-- export"
  cat "$out/export.json" 2>/dev/null | grep -E '"(torch|nodes|max_abs_diff_vs_torch)"' | head -12
  echo "-- fidelity (largest relative L2 error per module against FP32 on ort-cpu)"
  node scripts/device/accumulation-summary.mjs "$out" 2>&1
  for f in bench-real bench-real-static pipeline-real-cuda lasot; do
    echo "-- $f"
    tail -25 "$out/logs/$f.log" 2>/dev/null
  done
  echo "-- failures"
  awk -F'\t' 'NR > 1 && $2 != 0 {print $1}' "$summary" | while read -r s; do
    echo "[$s]"
    tail -6 "$out/logs/$s.log"
  done
} > "$out/summary.txt" 2>&1
cp "$out/summary.txt" "$final/real-export-summary.txt"
tar -czf "$final/real-export-results.tgz" -C "$(dirname "$out")" "$(basename "$out")"
echo "done in ${SECONDS}s"
