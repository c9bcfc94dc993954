#!/usr/bin/env bash
# GPU machine (Python 3.12 with torch 2.11, onnx, onnxruntime CPU), issue 11 item 3: the native FP16 crash of a
# real EfficientTAM memory_attention on ort-cpu, caught by the crash probe. Exports memory_attention with torch
# 2.11 (scripts/device/real-export; carry .efficienttam-src, see its README), converts it with `graph-surgery fp16`
# (defaults), then runs `bench --stack ort-cpu` on it: with the probe, the expected outcome is exit 6 naming the
# module, the stack and the op; the same file once through onnxruntime-node without the probe shows the raw crash
# (exit 139) for comparison. Writes $OUT/summary.txt, bench.log, raw.log, export.log.
#   source .device/on-device.sh && bash scripts/device/run-crash-probe-real.sh
# (call with carry [".device", ".efficienttam-src"])
BUDGET=240 # seconds, whole script; each step is time-boxed below
set -uo pipefail
# The carried source sits in the caller's folder (the repository copy), not in the unpacked bundle.
src=${EFFICIENTTAM_SRC:-$PWD/.efficienttam-src}
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
work=/tmp/crash-real
mkdir -p "$work"
summary=$final/summary.txt
: > "$summary"
if [[ ! -f $work/fp32/memory_attention.onnx ]]; then
  EXPORT_ONLY=memory_attention timeout 150 python3 scripts/device/real-export/export_efficienttam.py "$src" "$work/fp32" \
    > "$final/export.log" 2>&1
  echo "export: rc=$?" | tee -a "$summary"
fi
timeout 30 node packages/graph-surgery/bin/graph-surgery.js fp16 "$work/fp32/memory_attention.onnx" \
  -o "$work/fp16/memory_attention.onnx" 2>&1 | tail -2 | tee -a "$summary"
export TAMKIT_CRASH_PROBE_CACHE=$work/probe-cache
rm -rf "$TAMKIT_CRASH_PROBE_CACHE"
timeout 120 node packages/bench/bin/bench.js --stack ort-cpu --models "$work/fp16/memory_attention.onnx" \
  --iterations 3 --warmup 1 > "$final/bench.log" 2>&1
echo "bench --stack ort-cpu (crash probe on): exit $? (6: native crash caught)" | tee -a "$summary"
grep -E 'NATIVE_CRASH|Note:' "$final/bench.log" | tee -a "$summary"
# A crash in graph optimisation (the session phase) goes away at level extended: the workaround the error offers.
timeout 120 node packages/bench/bin/bench.js --stack ort-cpu --models "$work/fp16/memory_attention.onnx" \
  --iterations 3 --warmup 1 --graph-optimization extended > "$final/bench-extended.log" 2>&1
echo "bench --stack ort-cpu --graph-optimization extended: exit $?" | tee -a "$summary"
# The raw behaviour, for comparison: one run in this process, no probe (139 = SIGSEGV).
(cd packages/bench && timeout 60 node --input-type=module -e '
const { createRunner, generateFeeds, resolveInputShapes } = await import("@tamkit/bench");
const r = createRunner("ort-cpu", { crashProbe: false });
await r.activate(process.argv[1]);
await r.infer(await generateFeeds(r.inputs, resolveInputShapes(r.inputs), 0));
console.log("ran without crashing");
' "$work/fp16/memory_attention.onnx") > "$final/raw.log" 2>&1
echo "one in-process run without the probe: exit $?" | tee -a "$summary"
echo "done in ${SECONDS}s (budget ${BUDGET}s)" | tee -a "$summary"
