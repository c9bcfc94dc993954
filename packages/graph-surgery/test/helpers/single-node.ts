/**
 * Runs one node in ONNX Runtime's CPU provider on constant inputs (stored as initializers, optimisation off), so a
 * kernel of the specialisation can be compared with it bit for bit.
 */
import * as ort from 'onnxruntime-node';
import { type AttributeValue, emptyGraph, encodeModel, makeModel, makeNode, makeValueInfo } from '../../src/index.js';
import { bitsOf, type Tensor, tensorToProto } from '../../src/specialize/tensor.js';

const ORT_TYPES: Record<string, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
};

/** The node's outputs as ONNX Runtime computes them; `outputTypes` declares each output's element type. */
export async function runNode(
  opType: string,
  inputs: readonly (Tensor | undefined)[],
  outputTypes: readonly number[],
  attributes: Record<string, AttributeValue> = {},
  opset = 17,
  /** Cast every output to this type inside the model (for types onnxruntime-node cannot return, e.g. BFLOAT16). */
  thenCastTo?: number,
): Promise<Tensor[]> {
  const g = emptyGraph('single');
  const names = inputs.map((t, i) => {
    if (!t) return '';
    g.initializer.push(tensorToProto(`in${i}`, t));
    return `in${i}`;
  });
  const outs = outputTypes.map((_, i) => `out${i}`);
  const raw = thenCastTo === undefined ? outs : outs.map((o) => `${o}_raw`);
  g.node.push(makeNode({ opType, name: opType, inputs: names, outputs: raw, attributes }));
  if (thenCastTo !== undefined)
    for (const [i, r] of raw.entries())
      g.node.push(
        makeNode({
          opType: 'Cast',
          name: `cast${i}`,
          inputs: [r],
          outputs: [outs[i]!],
          attributes: { to: thenCastTo },
        }),
      );
  for (const [i, t] of outputTypes.entries()) g.output.push(makeValueInfo(outs[i]!, thenCastTo ?? t));
  const session = await ort.InferenceSession.create(encodeModel(makeModel({ graph: g, opset })), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'disabled',
    logSeverityLevel: 3,
  });
  try {
    const results = await session.run({});
    return outs.map((o) => {
      const t = results[o]!;
      return { dataType: ORT_TYPES[t.type]!, dims: [...t.dims], data: (t.data as Tensor['data']).slice() };
    });
  } finally {
    await session.release();
  }
}

/** Bit patterns of a tensor's data, for exact comparisons (NaN payloads and signed zeros included). */
export function bitPattern(t: Tensor): string[] {
  return Array.from(bitsOf(t.data), String);
}
