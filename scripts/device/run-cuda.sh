#!/usr/bin/env bash
# GPU machine: ONNX Runtime's CUDA provider installed with `bench cuda install` from the staged copy, then the CUDA
# tests, per-module profiles, the lever timings (fusions, Cast removal, FP16 + islands) on ort-cuda and ort-webgpu,
# FP32 ort-cuda against ort-cpu with and without TF32, and native FP16 bisection of memory_attention on ort-cuda.
# Before it: scripts/device/prepare.sh here, then ../shared/device/cuda-ep.sh and its three staging runs; then
#   source .device/on-device.sh && bash scripts/device/run-cuda.sh
# Every step is independent: a failing or timed-out step is logged and the next one runs; the whole stays under
# BUDGET_S (default 500 s). Results: $OUT/cuda-results.tgz (logs and JSON) and $OUT/cuda-summary.txt.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
BUDGET_S=${BUDGET_S:-500}
staged=${CUDA_EP_DIR:-/tmp/rt/cuda-ep}
zoo=/tmp/zoo-cuda
size=${ZOO_SIZE:-full} # tiny for a dry run off the GPU machine
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
tsxrun() { node --conditions=source --import tsx "$@"; }
export -f bin tsxrun

source "$here/lib/steps.sh"
steps_begin /tmp/cuda-results

{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
  nproc
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  ls -la "$staged" 2>&1
} > "$out/machine.txt" 2>&1

# 1. The provider through our installer: out of every binding (on-device.sh copied it there), then back in
#    from the staged folder, checked against the pinned sha256, self-tested.
step uninstall 30 bin bench bench cuda uninstall --json
# JSON on stdout into its own file; progress and errors in the log.
step install 120 bash -c "bin bench bench cuda install --from '$staged' --json > '$out/install.json'"
if ! grep -q '"passed": true' "$out/install.json" 2>/dev/null; then
  # Keep the later steps meaningful: put the staged files back as on-device.sh does.
  echo "install did not pass its self-test; copying the staged provider as on-device.sh does" >> "$out/logs/install.log"
  while IFS= read -r b; do cp -f "$staged"/libonnxruntime_providers_*.so "$(dirname "$b")/"; done \
    < <(find /tmp/rt -path '*onnxruntime-node/bin/*/linux/x64/onnxruntime_binding.node' 2>/dev/null)
fi
step check 90 bash -c "bin bench bench cuda check --json > '$out/check.json'"
step list 90 bash -c "bin bench bench list --json > '$out/list.json'"

# 2. The CUDA tests (and the suites that exercise every stack), with the provider present.
step tests 170 node node_modules/vitest/vitest.mjs run \
  packages/bench/test/cuda-gpu.test.ts packages/bench/test/cuda-provider-real.test.ts \
  packages/bench/test/cuda-install.test.ts packages/bench/test/runner-conformance.test.ts \
  packages/bench/test/kernel-profile.test.ts packages/eval/test/cuda-precision.test.ts \
  --reporter=verbose --reporter=json --outputFile.json="$out/tests.json"

# 3. Full zoo, then where the time goes per module.
step zoo 60 bin graph-surgery graph-surgery zoo efficienttam-ti --size "$size" --seed 1 -o "$zoo"
step profile 90 bin bench bench profile --stack ort-cuda --stack ort-webgpu --models "$zoo" --iterations 20 \
  --warmup 3 -o "$out/profile.json"

# 4. Each lever alone on ort-cuda (all variants), FP32 against CPU with and without TF32, native FP16 bisection.
step levers-cuda 200 tsxrun packages/eval/bench/levers.ts --models "$zoo" --stack ort-cuda --iterations 30 \
  --warmup 5 --profile-runs 5 --out "$out/levers-cuda.json"
step fidelity-tf32 60 bin eval track-eval fidelity --models "$zoo" --stack ort-cuda --reference-stack ort-cpu \
  --frames 12 --iterations 5 --out "$out/fidelity-cuda-tf32.json"
step fidelity-no-tf32 60 bin eval track-eval fidelity --models "$zoo" --stack ort-cuda --reference-stack ort-cpu \
  --frames 12 --iterations 5 --no-tf32 --out "$out/fidelity-cuda-no-tf32.json"
step bisect-cuda 100 bin eval track-eval bisect --models "$zoo" --stack ort-cuda --mode native \
  --module memory_attention --fp32-ops Resize --reference-stack ort-cpu --iterations 5 \
  --plan-out "$out/memory_attention.cuda.plan.json" --out "$out/bisect-memory-attention-cuda.json"

# 5. The levers that matter most on ort-webgpu, if time is left.
step levers-webgpu 120 tsxrun packages/eval/bench/levers.ts --models "$zoo" --stack ort-webgpu --iterations 20 \
  --warmup 5 --profile-runs 3 --variant fp32 --variant fuse-layernorm --variant fuse-gelu --variant fuse-bias-gelu \
  --variant fuse-all --variant fp16-islands --variant fuse-all-fp16-islands --out "$out/levers-webgpu.json"

{
  echo "run-cuda.sh on $(hostname), $(date -u +%FT%TZ), ${SECONDS}s"
  cat "$out/machine.txt"
  steps_table
  echo "-- install"
  grep -E '"(cuda|providerOrtVersion|passed|maxAbsDifference|error)"' "$out/install.json" 2>/dev/null | head -12
  echo "-- tests"
  grep -E "Test Files|Tests |FAIL|×|skipped:" "$out/logs/tests.log" 2>/dev/null | head -30
  echo "-- profile"
  grep -E "^ort-|^stack|not on" "$out/logs/profile.log" 2>/dev/null | head -24
  echo "-- levers (ort-cuda)"
  grep -E "^module|^image_encoder|^memory_|^mask_|^error" "$out/logs/levers-cuda.log" 2>/dev/null | head -60
  echo "-- levers (ort-webgpu)"
  grep -E "^module|^image_encoder|^memory_|^mask_|^error" "$out/logs/levers-webgpu.log" 2>/dev/null | head -40
  for f in fidelity-tf32 fidelity-no-tf32 bisect-cuda; do echo "-- $f"; tail -12 "$out/logs/$f.log" 2>/dev/null; done
} > "$out/summary.txt" 2>&1
cp "$out/summary.txt" "$final/cuda-summary.txt"
tar -czf "$final/cuda-results.tgz" -C "$(dirname "$out")" "$(basename "$out")"
echo "done in ${SECONDS}s"
