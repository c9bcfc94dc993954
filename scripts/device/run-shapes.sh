#!/usr/bin/env bash
# GPU machine, issue 12 goal 2 ("per-module and chained-loop times on ort-cuda and ort-webgpu, original against
# specialised, in one run"): the full zoo (seed 1),
#   1. `bench run --stack ort-cuda --stack ort-webgpu --shapes original --shapes pinned --shapes static` with
#      placement: every module as each variant, the variants of one module measured interleaved;
#   2. `bench pipeline --shapes original --shapes pinned --shapes static`, once on ort-cuda and once on
#      ort-webgpu (FRAMES timed frames after 16 warm-up: the memory bank is full from frame 16);
#   3. step 1 on /tmp/real-export when it holds the four modules (scripts/device/run-real-export.sh makes it).
# Before it: scripts/device/prepare.sh; for ort-cuda also ../shared/device/cuda-ep.sh and its staging runs
# (without the provider ort-cuda is listed unavailable and the rest runs). Then
#   source .device/on-device.sh && bash scripts/device/run-shapes.sh
# Every step is time-boxed and independent; the whole stays under BUDGET_S (default 200 s). Results in $OUT
# (at most 7 files): shapes-summary.md and shapes-summary.json (one table: module or loop x stack x variant ->
# p50 ms, ratio to original, CPU-provider nodes), modules-zoo.json, modules-real-export.json,
# pipeline-<stack>.json per stack, shapes-logs.tgz (logs, CSVs, steps.tsv).
# Dry run off the GPU machine: ZOO_SIZE=tiny STACKS=ort-cpu FRAMES=4 ITERATIONS=10 OUT=/tmp/x bash scripts/device/run-shapes.sh
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${TAMKIT_ROOT:-/tmp/rt/tamkit}
# Off the GPU machine (no unpacked bundle) the checkout the script is in.
[[ -d $root ]] || root=$(cd "$here/../.." && pwd)
cd "$root"
final=${OUT:?set OUT}
mkdir -p "$final"
BUDGET_S=${BUDGET_S:-200}
size=${ZOO_SIZE:-full}
frames=${FRAMES:-32}
iterations=${ITERATIONS:-40}
read -r -a stack_list <<< "${STACKS:-ort-cuda ort-webgpu}"
zoo=/tmp/zoo-shapes-$size
real=${REAL_EXPORT:-/tmp/real-export}
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
export -f bin

source "$here/lib/steps.sh"
steps_begin /tmp/shapes-results
{
  if command -v nvidia-smi > /dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
  else
    echo "no nvidia-smi"
  fi
  echo "cores $(nproc); stacks ${stack_list[*]}; zoo $size; $frames timed frames; $iterations runs per module and variant"
} > "$out/machine.txt"

# 1. The zoo, generated afresh (a copy left in /tmp by another bundle may come from another generator).
step zoo 60 bash -c "rm -rf '$zoo' && bin graph-surgery graph-surgery zoo efficienttam-ti --size '$size' --seed 1 -o '$zoo'"

variants=(--shapes original --shapes pinned --shapes static)
stacks=()
for s in "${stack_list[@]}"; do stacks+=(--stack "$s"); done
# Per module: every stack and variant, placement profiled (3 runs) per session; partial placement is reported, not
# refused (the original graphs keep shape arithmetic on the CPU provider: that is what is measured).
modules() {
  step "modules-$2" "$3" bin bench bench run "${stacks[@]}" "${variants[@]}" --models "$1" --iterations "$iterations" \
    --warmup 5 --allow-partial --label "shapes-$2" -o "$out/modules-$2.json" --csv "$out/modules-$2.csv"
}
modules "$zoo" zoo 90

# 2. The chained loop per stack, the variants in one report (PIPELINE_SHAPES narrows them).
pipeline_variants=()
for v in ${PIPELINE_SHAPES:-original pinned static}; do pipeline_variants+=(--shapes "$v"); done
for s in "${stack_list[@]}"; do
  step "pipeline-$s" 50 bin bench bench pipeline --models "$zoo" --stack "$s" "${pipeline_variants[@]}" --frames "$frames" \
    --warmup-frames 16 --label "shapes-$s" -o "$out/pipeline-$s.json"
done

# 3. The real export, when run-real-export.sh left it here.
if [[ -f $real/image_encoder.onnx && -f $real/memory_attention.onnx && -f $real/mask_decoder.onnx && -f $real/memory_encoder.onnx ]]; then
  modules "$real" real-export 60
else
  printf 'modules-real-export\tskipped (no %s)\t0\n' "$real" >> "$summary"
fi

step summary 20 node scripts/device/shapes-summary.mjs "$out"
{
  echo "# run-shapes.sh on $(hostname), $(date -u +%FT%TZ), ${SECONDS}s"
  echo
  echo '```'
  cat "$out/machine.txt"
  steps_table
  echo '```'
  echo
  cat "$out/shapes-summary.md" 2>/dev/null || echo "no summary (see logs/summary.log)"
} > "$out/shapes-summary.txt"
cp "$out/shapes-summary.txt" "$final/shapes-summary.md"
for f in shapes-summary.json modules-zoo.json modules-real-export.json; do
  [[ -f $out/$f ]] && cp "$out/$f" "$final/"
done
for s in "${stack_list[@]}"; do
  [[ -f $out/pipeline-$s.json ]] && cp "$out/pipeline-$s.json" "$final/"
done
tar -czf "$final/shapes-logs.tgz" -C "$(dirname "$out")" "$(basename "$out")"
echo "done in ${SECONDS}s"
