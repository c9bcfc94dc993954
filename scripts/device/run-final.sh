#!/usr/bin/env bash
# GPU machine, final check: bench's and eval's test suites with a real WebGPU adapter (host worker on: 16 cores),
# then the pipeline rounds and the preprocessing benchmark (run-pipeline-rounds.sh).
#   source .device/on-device.sh && bash scripts/device/run-final.sh
set -uo pipefail
cd "${TAMKIT_ROOT:-/tmp/rt/tamkit}"
final=${OUT:?set OUT}
node node_modules/vitest/vitest.mjs run packages/bench packages/eval 2>&1 | grep -E "Test Files|Tests |FAIL|×" | head -20
bash scripts/device/run-pipeline-rounds.sh
