/**
 * Checks shared by the specialisation tests: run the original and the specialised model on the same inputs in
 * ONNX Runtime's CPU provider and compare outputs bit for bit.
 */
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import {
  DataType,
  encodeModel,
  inferElemTypes,
  MEMORY_ATTENTION_CONFIGS,
  type ModelProto,
  makeValueInfo,
  memoryTokenCount,
  type SpecializeOptions,
  tokensPerObjectPointer,
  type ZooSize,
} from '../../src/index.js';
import { feedsFor } from './bake-checks.js';
import { type Feed, graphOf, type Output, runModel, seededValues, toTensor } from './ort-feeds.js';

/** The shapes the tracker runs once its memory bank is full: 7 frames, 16 object pointers, one pad point. */
export function trackerBindings(size: ZooSize, numPoints = 1): Record<string, SpecializeOptions> {
  const config = MEMORY_ATTENTION_CONFIGS[size];
  return {
    image_encoder: {},
    memory_attention: {
      dims: { num_mem_tokens: memoryTokenCount(config, 7, 16) },
      values: { num_obj_ptr_tokens: 16 * tokensPerObjectPointer(config) },
    },
    mask_decoder: { dims: { num_points: numPoints } },
    memory_encoder: {},
  };
}

/**
 * Feeds for the original model at the bound sizes: seeded floats (FLOAT16 inputs get them rounded), uint8
 * frames, integer inputs bound by value get that value, other integer inputs 1.
 */
export function boundFeeds(model: ModelProto, options: SpecializeOptions): Record<string, Feed> {
  const values = Object.fromEntries(Object.entries(options.values ?? {}).map(([k, v]) => [k, Number(v)]));
  const dims = { ...options.dims, ...values };
  const plain = graphOf(model).input.filter((v) => {
    const t = v.type?.tensorType?.elemType;
    return t !== DataType.FLOAT16 && t !== DataType.UINT8;
  });
  const feeds = feedsFor({ ...model, graph: { ...graphOf(model), input: plain } }, dims);
  graphOf(model).input.forEach((v, k) => {
    const t = v.type?.tensorType;
    if (t?.elemType !== DataType.FLOAT16 && t?.elemType !== DataType.UINT8) return;
    const shape = (t.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined ? Number(d.dimValue) : (dims[d.dimParam ?? ''] ?? 1),
    );
    const count = shape.reduce((a, b) => a * b, 1);
    feeds[v.name!] =
      t.elemType === DataType.UINT8
        ? { type: 'uint8', dims: shape, data: Uint8Array.from(seededValues(count, 40 + k, 0, 256), Math.floor) }
        : { type: 'float16', dims: shape, data: seededValues(count, 40 + k) };
  });
  return feeds;
}

/** SHA-256 of a model's encoding: large models compare by hash, not element by element. */
export const modelHash = (model: ModelProto): string => createHash('sha256').update(encodeModel(model)).digest('hex');

/** Only the feeds `model` takes (inputs bound by value are gone from the specialised model). */
export function feedsOf(model: ModelProto, feeds: Record<string, Feed>): Record<string, Feed> {
  const names = new Set(graphOf(model).input.map((v) => v.name));
  return Object.fromEntries(Object.entries(feeds).filter(([k]) => names.has(k)));
}

/** Raw bits of an output, for exact comparison (+0 and -0, NaN payloads). */
export const bitsOf = (o: Output): Uint32Array => new Uint32Array(o.data.buffer, o.data.byteOffset, o.data.length);

export function expectSameBits(actual: Record<string, Output>, expected: Record<string, Output>, what: string): void {
  expect(Object.keys(actual).sort(), what).toEqual(Object.keys(expected).sort());
  for (const [name, value] of Object.entries(expected)) {
    expect(actual[name]!.dims, `${what}: ${name} dims`).toEqual(value.dims);
    const same = bitsOf(actual[name]!).every((b, i) => b === bitsOf(value)[i]);
    expect(same, `${what}: ${name} is not bit-identical`).toBe(true);
  }
}

/**
 * `model` with the named tensors added as graph outputs. ONNX Runtime's CPU provider computes FP16 chains in
 * FP32 and rounds a tensor to FP16 only where it decides to keep it in FP16 (a Shape reading it, a neighbour
 * with an FP16 kernel, a graph output): any edit, even removing a Shape reader, moves those rounding points.
 * With every tensor exposed each node's result is rounded, as ONNX semantics (and GPU providers) have it, so
 * two FP16 graphs compare node by node.
 */
export function exposeTensors(model: ModelProto, tensors: readonly string[]): ModelProto {
  const graph = graphOf(model);
  const types = inferElemTypes(graph);
  const outputs = new Set(graph.output.map((o) => o.name));
  const extra = tensors.filter((t) => !outputs.has(t)).map((t) => makeValueInfo(t, types.get(t) ?? DataType.FLOAT));
  return { ...model, graph: { ...graph, output: [...graph.output, ...extra] } };
}

/** Outputs of the specialised model's nodes (the tensors both graphs compute). */
export function keptTensors(specialized: ModelProto): string[] {
  return graphOf(specialized)
    .node.flatMap((n) => n.output)
    .filter(Boolean);
}

/** Raw output bytes of one CPU run (no conversion: large FP16 runs compare fast). */
export async function runRaw(
  model: ModelProto,
  feeds: Record<string, Feed>,
  optimization: 'disabled' | 'all',
): Promise<Record<string, { dims: readonly number[]; bytes: Buffer }>> {
  const session = await ort.InferenceSession.create(encodeModel(model), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: optimization,
    intraOpNumThreads: 2,
    logSeverityLevel: 3,
  });
  try {
    const inputs = Object.fromEntries(Object.entries(feedsOf(model, feeds)).map(([k, v]) => [k, toTensor(v)]));
    const results = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(results).map(([k, t]) => {
        const d = t.data as Uint8Array;
        return [k, { dims: t.dims, bytes: Buffer.from(d.buffer, d.byteOffset, d.byteLength) }];
      }),
    );
  } finally {
    await session.release();
  }
}

/** Names of the outputs whose bytes differ between two raw runs. */
export function differingOutputs(a: Record<string, { bytes: Buffer }>, b: Record<string, { bytes: Buffer }>): string[] {
  return Object.keys(a).filter((k) => !b[k] || !a[k]!.bytes.equals(b[k]!.bytes));
}

/** Runs both models on the same feeds at the given ONNX Runtime optimisation level. */
export async function runBoth(
  original: ModelProto,
  specialized: ModelProto,
  feeds: Record<string, Feed>,
  optimization: 'disabled' | 'all',
): Promise<[Record<string, Output>, Record<string, Output>]> {
  const a = await runModel(original, feedsOf(original, feeds), { optimization });
  const b = await runModel(specialized, feedsOf(specialized, feeds), { optimization });
  return [a, b];
}
