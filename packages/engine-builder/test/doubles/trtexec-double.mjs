#!/usr/bin/env node
// TEST DOUBLE for trtexec. It stands in for TensorRT's trtexec at the process boundary so that engine-builder's
// process plumbing (argument arrays, streaming, exit codes, timeouts, the cache around a build) can be tested on a
// machine without TensorRT. It computes nothing: its "engines" are placeholder bytes and its timings are copied
// from a fixture file. Nothing it writes may ever feed a benchmark or a report.
//
// Controlled by environment variables:
//   TRTEXEC_DOUBLE_MODE       ok (default) | fail | hang | no-engine
//   TRTEXEC_DOUBLE_VERSION    10 (default) | 11 | an NV_TENSORRT_VERSION number such as 100400: its banner
//   TRTEXEC_DOUBLE_ARGV_FILE  append the received argv (JSON, one line per call) to this file
//   TRTEXEC_DOUBLE_DELAY_MS   sleep this long before finishing (concurrency tests)
//   TRTEXEC_DOUBLE_LAYER_INFO copy this file to --exportLayerInfo
//   TRTEXEC_DOUBLE_RUN_LOG    print this file when asked to --loadEngine (a recorded performance summary)
//   TRTEXEC_DOUBLE_TIMES      copy this file to --exportTimes
//   TRTEXEC_DOUBLE_TAMPER     before reading --onnx, copy TRTEXEC_DOUBLE_TAMPER_FROM over this path (a user saving an
//                             edited model during the build); the value `onnx` instead appends a byte to the --onnx
//                             file after reading it (something writing into the build's own input)
// Its placeholder engine records the SHA-256 of the --onnx bytes it read (`onnx-sha256=<hex>`), as a real engine
// depends on the model it was built from.
import { createHash } from 'node:crypto';
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const env = process.env;
const version = env.TRTEXEC_DOUBLE_VERSION ?? '10';
const banner =
  version === '11'
    ? '[TensorRT v110400] [b8]'
    : version === '10'
      ? '[TensorRT v100300] [b17]'
      : `[TensorRT v${version}]`;
const flag = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (env.TRTEXEC_DOUBLE_ARGV_FILE)
  appendFileSync(env.TRTEXEC_DOUBLE_ARGV_FILE, `${JSON.stringify({ args, cwd: process.cwd() })}\n`);

console.log(`&&&& RUNNING TensorRT.trtexec ${banner} # trtexec-double ${args.join(' ')}`);
const mode = env.TRTEXEC_DOUBLE_MODE ?? 'ok';
if (args.includes('--help')) process.exit(0);
if (mode === 'hang') setInterval(() => {}, 1000);
else {
  const delay = Number(env.TRTEXEC_DOUBLE_DELAY_MS ?? 0);
  setTimeout(() => {
    if (mode === 'fail') {
      console.error('[E] [TRT] ModelImporter.cpp:949: While parsing node number 3 [Softmax]: unsupported');
      console.error(`&&&& FAILED TensorRT.trtexec ${banner}`);
      process.exit(3);
    }
    const engine = flag('saveEngine');
    const onnx = flag('onnx');
    if (engine) {
      const tamper = env.TRTEXEC_DOUBLE_TAMPER;
      if (tamper && tamper !== 'onnx') copyFileSync(env.TRTEXEC_DOUBLE_TAMPER_FROM, tamper);
      const onnxSha = onnx ? createHash('sha256').update(readFileSync(onnx)).digest('hex') : 'none';
      if (onnx && tamper === 'onnx') appendFileSync(onnx, '\0');
      console.log('[I] Start parsing network model.');
      console.log('[I] [TRT] Detected 1 inputs and 1 output network tensors.');
      // Binary (a NUL byte), as a real engine is: inspect tells engines from layer-information text that way.
      if (mode !== 'no-engine')
        writeFileSync(
          engine,
          `TRTEXEC-DOUBLE placeholder, not an engine\0onnx-sha256=${onnxSha} ${JSON.stringify(args)}\n`,
        );
      const layerInfo = flag('exportLayerInfo');
      if (layerInfo && env.TRTEXEC_DOUBLE_LAYER_INFO) copyFileSync(env.TRTEXEC_DOUBLE_LAYER_INFO, layerInfo);
      // Like trtexec, read the timing cache if present and write it back with this build's entries added.
      const timingCache = flag('timingCacheFile');
      if (timingCache) appendFileSync(timingCache, `entry from build ${args.join(' ').length}\n`);
      console.log('[I] Engine built in 0.1 sec.');
    }
    if (flag('loadEngine')) {
      if (env.TRTEXEC_DOUBLE_RUN_LOG) process.stdout.write(readFileSync(env.TRTEXEC_DOUBLE_RUN_LOG, 'utf8'));
      const times = flag('exportTimes');
      if (times && env.TRTEXEC_DOUBLE_TIMES) copyFileSync(env.TRTEXEC_DOUBLE_TIMES, times);
      const layerInfo = flag('exportLayerInfo');
      if (layerInfo && env.TRTEXEC_DOUBLE_LAYER_INFO) copyFileSync(env.TRTEXEC_DOUBLE_LAYER_INFO, layerInfo);
    }
    console.log(`&&&& PASSED TensorRT.trtexec ${banner}`);
  }, delay);
}
