/**
 * Do FP16 emulation (CPU) and native FP16 (a GPU provider) agree on which tensors overflow?
 *
 * For each model: native = convertToFloat16 + every float tensor probed, run on `--ep` (webgpu on the GPU
 * machine); emulated = emulateFloat16 + the same tensors probed, run on cpu. Prints, per model, the tensors
 * holding non-finite values in each and their agreement, and writes the full result as JSON.
 *
 *   node --conditions=source --import tsx packages/graph-surgery/bench/fp16-overflow-agreement.ts \
 *     --ep webgpu --out reports/fp16-overflow-agreement.json zoo-outliers/*.onnx
 *
 * A development script (not part of the package build): it needs onnxruntime-node, a devDependency.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  convertToFloat16,
  DataType,
  emulateFloat16,
  encodeModel,
  float32ToFloat16Bits,
  Graph,
  inferElemTypes,
  type ModelProto,
  probeTensors,
  readModel,
} from '../src/index.js';

const SYMBOLIC: Record<string, number> = { num_points: 2, num_mem_tokens: 1028, num_obj_ptr_tokens: 4 };

function feeds(model: ModelProto, half: boolean): Record<string, ort.Tensor> {
  const out: Record<string, ort.Tensor> = {};
  let seed = 1;
  for (const v of model.graph?.input ?? []) {
    const t = v.type?.tensorType;
    const dims = (t?.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined ? Number(d.dimValue) : (SYMBOLIC[d.dimParam ?? ''] ?? 1),
    );
    const n = dims.reduce((a, b) => a * b, 1);
    const name = v.name ?? '';
    // Deterministic values in [-1, 1): the same on both sides (FP16 inputs get the FP16 rounding of them).
    const values = Float32Array.from({ length: n }, () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 1;
      return seed / 2 ** 30 - 1;
    });
    if (t?.elemType === DataType.FLOAT || t?.elemType === DataType.FLOAT16) {
      out[name] = half
        ? new ort.Tensor('float16', Uint16Array.from(values, float32ToFloat16Bits), dims)
        : new ort.Tensor('float32', values, dims);
    } else if (t?.elemType === DataType.INT32) out[name] = new ort.Tensor('int32', new Int32Array(n).fill(1), dims);
    else out[name] = new ort.Tensor('int64', new BigInt64Array(n).fill(BigInt(SYMBOLIC[name] ?? 0)), dims);
  }
  return out;
}

async function nonFinite(
  model: ModelProto,
  ep: string,
  inputs: Record<string, ort.Tensor>,
  names: string[],
): Promise<Set<string>> {
  const session = await ort.InferenceSession.create(encodeModel(model), {
    executionProviders: [ep],
    logSeverityLevel: 3,
  });
  try {
    const results = await session.run(inputs);
    const bad = new Set<string>();
    for (const name of names) {
      const t = results[name];
      if (!t) continue;
      const data = t.data as ArrayLike<number>;
      const isHalf = t.type === 'float16' && data instanceof Uint16Array;
      for (let i = 0; i < data.length; i++) {
        // FP16 bits with an all-ones exponent are Inf/NaN.
        const broken = isHalf ? ((data[i] ?? 0) & 0x7c00) === 0x7c00 : !Number.isFinite(data[i] ?? 0);
        if (broken) {
          bad.add(name);
          break;
        }
      }
    }
    return bad;
  } finally {
    await session.release();
  }
}

async function compare(path: string, ep: string, blockOps: string[]) {
  const model = await readModel(path);
  const graph = new Graph(model.graph!);
  const types = inferElemTypes(model.graph!, graph.topologicalOrder());
  const half = convertToFloat16(model, { blockOps }).model;
  // Casts that cancelled are gone from the FP16 graph: compare the tensors both graphs still compute.
  const kept = new Set(half.graph?.node.flatMap((n) => n.output));
  const tensors = graph.nodes
    .flatMap((n) => n.output)
    .filter((o) => o && types.get(o) === DataType.FLOAT && kept.has(o));
  const native = probeTensors(half, { tensors }).model;
  const emulated = probeTensors(emulateFloat16(model, { except: blockOps }).model, { tensors }).model;
  const onGpu = await nonFinite(native, ep, feeds(model, true), tensors);
  const onCpu = await nonFinite(emulated, 'cpu', feeds(model, false), tensors);
  const both = [...onGpu].filter((t) => onCpu.has(t));
  const union = new Set([...onGpu, ...onCpu]);
  return {
    model: basename(path),
    tensors: tensors.length,
    [`nonFinite_native_${ep}`]: onGpu.size,
    nonFinite_emulated_cpu: onCpu.size,
    agreement: union.size ? both.length / union.size : 1,
    onlyNative: [...onGpu].filter((t) => !onCpu.has(t)).slice(0, 20),
    onlyEmulated: [...onCpu].filter((t) => !onGpu.has(t)).slice(0, 20),
  };
}

const args = process.argv.slice(2);
const take = (flag: string, fallback: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? (args.splice(i, 2)[1] ?? fallback) : fallback;
};
const ep = take('--ep', 'webgpu');
const out = take('--out', '');
// Op types both sides keep in FP32 (e.g. Resize, which onnxruntime-node 1.30's WebGPU provider fails on in FP16).
const blockOps = take('--block-ops', '').split(',').filter(Boolean);
const rows = [];
for (const path of args) rows.push(await compare(path, ep, blockOps));
console.table(rows.map(({ onlyNative, onlyEmulated, ...r }) => r));
if (out) await writeFile(out, `${JSON.stringify({ ep, blockOps, rows }, null, 2)}\n`);
