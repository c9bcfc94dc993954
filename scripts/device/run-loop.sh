#!/usr/bin/env bash
# GPU machine, issue 17 (goal: the chained loop at >= 100 FPS on ort-cuda with mean mask IoU >= 0.99), issue 12
# (shape variants in the loop) and issue 11 item 8 (WebGPU output placement chosen by calibration):
#   1. the full zoo (seed 1) and its FP16 + `mixed` FP32-islands copy;
#   2. `bench pipeline`-style loop (bench/loop-levers.mjs), 100 timed frames after 16 warm-up (the bank is full
#      from frame 16), per lever on $STACK, levers interleaved in rounds (see below; LEVERS overrides the list):
#      FP32 as exported, pinned (freeDimensionOverrides), and with the encoder one frame ahead in a worker thread
#      and one intra-op thread: pinned, static (specialised graphs), fused static, fused static with attention +
#      decoder merged, the same with the memory encoder early, pinned + best per module (fused, FP16 + mixed
#      memory_attention); ms/frame p50 (median of the rounds), FPS, per-stage p50s, loop/isolated
#      ratio, mean mask IoU of every tracked frame against the FP32 ort-cpu run;
#   3. `bench --stack ort-cpu --stack ort-webgpu --stack ort-cuda` side by side with placement, the fastest
#      assignment across the three (bench's recommendation) and the loop on that assignment;
#   4. `--device-outputs auto` on ort-webgpu (calibration, then the other placement with --device-copies) on the
#      zoo and, when /tmp/real-export holds the four modules, on the real export.
# Before it: scripts/device/prepare.sh here; for ort-cuda also ../shared/device/cuda-ep.sh and its three staging
# runs (on-device.sh puts the provider next to the bindings; without it ort-cuda is unavailable and the levers
# run on ort-webgpu, said in the summary). Then
#   source .device/on-device.sh && bash scripts/device/run-loop.sh
# Every step is time-boxed and independent; the whole stays under BUDGET_S (default 330 s). Results in $OUT
# (6 files): loop-summary.md and loop-summary.json (everything below in one table/file), loop-levers.json,
# loop-levers.md, stacks.json, loop-logs.tgz (every log and the other JSON reports).
# Dry run off the GPU machine: ZOO_SIZE=tiny STACK=ort-cpu STACKS="ort-cpu" FRAMES=8 bash scripts/device/run-loop.sh
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
BUDGET_S=${BUDGET_S:-330}
size=${ZOO_SIZE:-full}
frames=${FRAMES:-100}
zoo=/tmp/zoo-loop-$size
mixed=/tmp/zoo-loop-$size-mixed
real=${REAL_EXPORT:-/tmp/real-export}
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
export -f bin

source "$here/lib/steps.sh"
steps_begin /tmp/loop-results

# ort-cuda only when its provider loads here (on-device.sh installed the staged one); else the levers on WebGPU.
stack=${STACK:-}
if [[ -z $stack ]]; then
  if node --input-type=module -e "
    import { getStack } from '@tamkit/bench';
    const a = await getStack('ort-cuda').probe();
    if (!a.available) console.error(a.reason);
    process.exit(a.available ? 0 : 1);" 2> "$out/logs/cuda-probe.log"; then
    stack=ort-cuda
  else
    stack=ort-webgpu
    echo "ort-cuda unavailable here (see logs/cuda-probe.log); levers on ort-webgpu" >> "$out/logs/cuda-probe.log"
  fi
fi
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
  echo "cores $(nproc); levers on $stack; zoo $size; $frames timed frames"
} > "$out/machine.txt"

# 1. Models.
[[ -f $zoo/manifest.json ]] || step zoo 60 bin graph-surgery graph-surgery zoo efficienttam-ti --size "$size" --seed 1 -o "$zoo"
tokens=$([[ $size == full ]] && echo 7232 || echo 7200)
step fp16-mixed 60 bash -c "rm -rf '$mixed' '$mixed.fp16' && bin graph-surgery graph-surgery fp16 '$zoo' -o '$mixed.fp16' --keep-io-types -q && bin graph-surgery graph-surgery fp32-islands '$mixed.fp16' -o '$mixed' --fp32-patterns mixed --dim num_mem_tokens=$tokens -q"

# The fusions that measured faster per module on ort-cuda (run-cuda.sh levers, 2026-12-02: fuse-all -17% image_encoder,
# -26% mask_decoder, -18% memory_encoder; FP16 + mixed islands -19% memory_attention): every module fused, and the
# best per module (fused image_encoder, mask_decoder, memory_encoder; FP16 + mixed memory_attention).
fused=/tmp/zoo-loop-$size-fused
best=/tmp/zoo-loop-$size-best
step fused 60 bash -c "rm -rf '$fused' && bin graph-surgery graph-surgery fuse '$zoo' -o '$fused' --dim num_mem_tokens=$tokens -q"
step best 20 bash -c "rm -rf '$best' && cp -r '$fused' '$best' && rm -f '$best'/memory_attention* && cp '$mixed'/memory_attention* '$best/'"

# 2. The loop per lever. Interleaved (default): every lever in one process, ROUNDS rounds round robin, so that a
#    drift of the machine hits all alike (sequential processes of graphs that compute the same FP32 result spread
#    from 13.2 to 16.3 ms/frame on 2026-12-02); the reference FP32 ort-cpu run first. INTERLEAVE=0: one process
#    per lever (a native crash loses only its lever), as before. `:ahead`: image_encoder one frame ahead in a
#    worker thread (bench pipeline --encoder-ahead); `:t1` one intra-op thread; `:me-early` memory_encoder in its
#    worker from the mask choice (--memory-early); `:merged` attention + decoder in one session (--merge-decoder).
rm -f "$out"/loop-levers.*
# The default list: FP32 as exported and each lever added in turn, up to the fastest loop measured (2026-12-02
# evening, H200: fused static graphs, encoder ahead, one thread, memory encoder early, attention + decoder merged:
# 7.57 ms/frame median of 9 rounds).
default_levers="fp32=$zoo:original pinned=$zoo:pinned pinned-ahead-t1=$zoo:pinned:ahead:t1 \
  static-ahead-t1=$zoo:static:ahead:t1 fused-static-ahead-t1=$fused:static:ahead:t1 \
  fused-static-merged=$fused:static:ahead:t1:merged fused-static-merged-early=$fused:static:ahead:t1:merged:me-early \
  pinned-best-ahead-t1=$best:pinned:ahead:t1"
read -r -a levers <<< "$(echo ${LEVERS:-$default_levers})"
if [[ ${INTERLEAVE:-1} == 1 ]]; then
  args=()
  for lever in "${levers[@]}"; do args+=(--lever "$lever"); done
  step levers "${LEVERS_CAP_S:-260}" node packages/bench/bench/loop-levers.mjs --models "$zoo" --stack "$stack" \
    --reference-stack ort-cpu "${args[@]}" --rounds "${ROUNDS:-3}" --frames "$frames" --warmup-frames 16 \
    --out "$out/loop-levers"
else
  for lever in "${levers[@]}"; do
    cap=30
    [[ $lever == fp32=* ]] && cap=75
    step "lever-${lever%%=*}" "$cap" node packages/bench/bench/loop-levers.mjs --models "$zoo" --stack "$stack" \
      --reference-stack ort-cpu --lever "$lever" --frames "$frames" --warmup-frames 16 --append --out "$out/loop-levers"
  done
fi

# 3 and 4 ran on 2026-12-02 (reports/device-h200/loop-2026-12-02); EXTRAS=0 skips them.
if [[ ${EXTRAS:-1} == 1 ]]; then
# 3. Stacks side by side, with placement; then the loop on the fastest assignment.
stacks=()
for s in ${STACKS:-ort-cpu ort-webgpu ort-cuda}; do stacks+=(--stack "$s"); done
step stacks 60 bin bench bench "${stacks[@]}" --models "$zoo" --allow-partial --time-ms "${TIME_MS:-800}" --warmup 5 \
  --label side-by-side -o "$out/stacks.json"
assignment=$(node --input-type=module -e "
  import { readFileSync } from 'node:fs';
  import { recommendAssignment } from '@tamkit/bench';
  const r = recommendAssignment(JSON.parse(readFileSync('$out/stacks.json', 'utf8')), { allowPartialPlacement: true });
  console.log(Object.entries(r.assignment).map(([m, s]) => m + '=' + s).join(','));" 2> "$out/logs/assignment.log")
[[ -n $assignment ]] && step pipeline-assignment 40 bin bench bench pipeline --models "$zoo" --stack "$assignment" \
  --frames 32 --warmup-frames 16 -o "$out/pipeline-assignment.json"

# 4. WebGPU output placement: the calibration's choice, and the other placement measured in full beside it.
step calibration-zoo 45 bin bench bench pipeline --models "$zoo" --stack ort-webgpu --device-outputs auto \
  --device-copies --frames 24 --warmup-frames 8 -o "$out/calibration-zoo.json"
if [[ -f $real/image_encoder.onnx && -f $real/memory_attention.onnx && -f $real/mask_decoder.onnx && -f $real/memory_encoder.onnx ]]; then
  step calibration-real-export 45 bin bench bench pipeline --models "$real" --stack ort-webgpu --device-outputs auto \
    --device-copies --frames 24 --warmup-frames 8 -o "$out/calibration-real-export.json"
fi
fi

step summary 20 node scripts/device/loop-summary.mjs "$out"
{
  echo "run-loop.sh on $(hostname), $(date -u +%FT%TZ), ${SECONDS}s"
  cat "$out/machine.txt"
  steps_table
  echo
  cat "$out/loop-summary.md" 2>/dev/null
} > "$out/loop-summary.txt"
for f in loop-summary.md loop-summary.json loop-levers.json loop-levers.md stacks.json; do
  [[ -f $out/$f ]] && cp "$out/$f" "$final/"
done
# The steps table and machine lines lead the markdown summary too.
[[ -f $out/loop-summary.txt ]] && cp "$out/loop-summary.txt" "$final/loop-summary.md"
rm -f "$out/loop-levers.ref-masks.bin"
tar -czf "$final/loop-logs.tgz" -C "$(dirname "$out")" "$(basename "$out")"
echo "done in ${SECONDS}s"
