#!/usr/bin/env bash
# GPU machine, part 1: performance. Full zoo on ort-cpu (all cores) and ort-webgpu per module, the chained
# tracking loop on each and mixed, and the CPU-side benchmarks on a quiet 16-core machine. Results land in $OUT.
#   source .device/on-device.sh && bash scripts/device/run-perf.sh
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
# The device tool returns a handful of files: collect everything in one folder and hand back one archive.
out=/tmp/perf-results
rm -rf "$out"
mkdir -p "$out/logs"
bin() { node "packages/$1/bin/$2.js" "${@:3}"; }
step() { echo "== $1"; }
nvidia-smi --query-gpu=name,compute_cap,uuid,driver_version --format=csv,noheader > "$out/gpu.txt" 2>&1
nproc > "$out/cores.txt"
threads=$(nproc)

step zoo
( time bin graph-surgery graph-surgery zoo efficienttam-ti --size full --seed 1 -o /tmp/zoo ) > "$out/logs/zoo.log" 2>&1

step "bench per module (ort-cpu, ort-webgpu)"
bin bench bench --stack ort-cpu --stack ort-webgpu --models /tmp/zoo --threads "$threads" --time-ms 3000 --warmup 5 \
  --label device -o "$out/bench-full.json" --csv "$out/bench-full.csv" > "$out/logs/bench.log" 2>&1
step "bench per module, webgpu outputs kept on the GPU"
bin bench bench --stack ort-webgpu --models /tmp/zoo --time-ms 2000 --warmup 5 --device-outputs --label device \
  -o "$out/bench-webgpu-device-outputs.json" > "$out/logs/bench-device-outputs.log" 2>&1

for spec in ort-cpu ort-webgpu 'image_encoder=ort-webgpu,memory_attention=ort-webgpu,mask_decoder=ort-cpu,memory_encoder=ort-webgpu'; do
  name=$(echo "$spec" | tr ',=' '_-' | cut -c1-60)
  step "pipeline $spec"
  extra=()
  [[ $spec == *webgpu* ]] && extra+=(--device-copies)
  bin bench bench pipeline --models /tmp/zoo --stack "$spec" --threads "$threads" --frames 24 --warmup-frames 8 \
    --isolated-iterations 20 "${extra[@]}" --label device -o "$out/pipeline-$name.json" > "$out/logs/pipeline-$name.log" 2>&1
done

step "harness overhead"
node packages/bench/bench/harness-overhead.mjs --models /tmp/zoo --threads "$threads" --iterations 10 --rounds 10 > "$out/logs/harness-overhead.log" 2>&1
step "preprocess"
node packages/bench/bench/preprocess.mjs > "$out/logs/preprocess.log" 2>&1
step "io round trip vs python onnx"
PYTHON=$(command -v python3) node packages/graph-surgery/bench/io-roundtrip.mjs > "$out/logs/io.log" 2>&1
step "zoo generation"
node --import tsx packages/graph-surgery/bench/zoo-generate.ts > "$out/logs/zoo-generate.log" 2>&1
step "score speed"
node packages/eval/bench/score-speed.mjs > "$out/logs/score-speed.log" 2>&1
step "bisect memory_attention on native FP16 (ort-webgpu)"
bin eval track-eval bisect --models /tmp/zoo --stack ort-webgpu --mode native --module memory_attention \
  --fp32-ops Resize --reference-stack ort-cpu --iterations 5 --out "$out/bisect-memory-attention-webgpu.json" \
  > "$out/logs/bisect-memory-attention.log" 2>&1
cp reports/*.json "$out/" 2>/dev/null
tar -czf "$final/perf-results.tar.gz" -C "$(dirname "$out")" "$(basename "$out")"
echo done
