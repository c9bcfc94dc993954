/**
 * Node counts and op histograms of a real export of EfficientTAM-Ti 512 (public source, random weights,
 * torch 2.11 `torch.onnx.export(opset_version=17, dynamo=False)`), as recorded in the project's reference notes
 * (shared/reference/efficienttam-ti.md, "What a real PyTorch export looks like"). The zoo's export style is
 * checked against these.
 */
export interface ExportFacts {
  nodes: number;
  ops: Record<string, number>;
}

export const REAL_EXPORT: Record<string, ExportFacts> = {
  image_encoder: {
    nodes: 2716,
    ops: {
      Constant: 1103,
      Unsqueeze: 342,
      Concat: 149,
      Reshape: 136,
      Cast: 123,
      Add: 109,
      Shape: 103,
      Gather: 87,
      Mul: 84,
      MatMul: 72,
      Div: 70,
      Transpose: 64,
      Slice: 44,
      Sqrt: 38,
      Squeeze: 36,
      Mod: 32,
      Sub: 26,
      LayerNormalization: 24,
      Erf: 12,
      Softmax: 12,
      Split: 12,
      ConstantOfShape: 10,
      Pad: 8,
      ReduceMean: 4,
      Conv: 3,
      Cos: 2,
      Expand: 2,
      Pow: 2,
      Range: 2,
      Sin: 2,
      Tile: 2,
      Resize: 1,
    },
  },
  memory_attention: {
    nodes: 1498,
    ops: {
      Constant: 471,
      Unsqueeze: 173,
      Gather: 150,
      Shape: 126,
      Mul: 88,
      Concat: 73,
      Add: 70,
      Reshape: 64,
      Cast: 56,
      MatMul: 56,
      Transpose: 44,
      Div: 28,
      Sqrt: 24,
      Sub: 20,
      Slice: 16,
      Identity: 14,
      LayerNormalization: 13,
      Softmax: 8,
      Relu: 4,
    },
  },
  mask_decoder: {
    nodes: 1330,
    ops: {
      Constant: 403,
      Shape: 136,
      Gather: 121,
      Unsqueeze: 118,
      Add: 64,
      Cast: 64,
      Concat: 54,
      MatMul: 49,
      Reshape: 46,
      Mul: 41,
      Div: 33,
      Transpose: 32,
      Sqrt: 22,
      Gemm: 21,
      Slice: 18,
      Relu: 16,
      Where: 14,
      Equal: 13,
      ConstantOfShape: 12,
      Expand: 10,
      LayerNormalization: 9,
      Softmax: 7,
      Range: 4,
      Sub: 3,
      ConvTranspose: 2,
      Cos: 2,
      Erf: 2,
      ReduceMean: 2,
      ScatterND: 2,
      Sin: 2,
      ArgMax: 1,
      Flatten: 1,
      Greater: 1,
      Neg: 1,
      OneHot: 1,
      Pow: 1,
      Sigmoid: 1,
      Tile: 1,
    },
  },
  memory_encoder: {
    nodes: 234,
    ops: {
      Constant: 80,
      Add: 27,
      Mul: 22,
      Div: 16,
      ReduceMean: 12,
      Conv: 9,
      Slice: 8,
      Erf: 6,
      Pow: 6,
      Sqrt: 6,
      Sub: 6,
      Unsqueeze: 6,
      Concat: 5,
      Transpose: 5,
      MatMul: 4,
      Cast: 2,
      ConstantOfShape: 2,
      Cos: 2,
      Expand: 2,
      Reshape: 2,
      Shape: 2,
      Sin: 2,
      Tile: 2,
    },
  },
};

/** Softmax and LayerNormalization counts of the real export, plus its decomposed LayerNorm2d chains. */
export const REAL_NORMS: Record<string, { softmax: number; layerNorm: number; decomposed: number }> = {
  image_encoder: { softmax: 12, layerNorm: 24, decomposed: 2 },
  memory_attention: { softmax: 8, layerNorm: 13, decomposed: 0 },
  mask_decoder: { softmax: 7, layerNorm: 9, decomposed: 1 },
  memory_encoder: { softmax: 0, layerNorm: 0, decomposed: 6 },
};

/** Op counts of a graph's top-level nodes. */
export function opHistogram(nodes: readonly { opType?: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of nodes) counts[n.opType ?? ''] = (counts[n.opType ?? ''] ?? 0) + 1;
  return counts;
}

/**
 * How far a histogram is from the reference: the sum over op types of |ours - real|, as a fraction of the real
 * node count (0 = identical; moving one node from one op type to another costs 2 / nodes).
 */
export function histogramDistance(ours: Record<string, number>, real: ExportFacts): number {
  let diff = 0;
  for (const op of new Set([...Object.keys(ours), ...Object.keys(real.ops)]))
    diff += Math.abs((ours[op] ?? 0) - (real.ops[op] ?? 0));
  return diff / real.nodes;
}
