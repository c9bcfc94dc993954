/**
 * Small graphs with the constructs `torch.onnx.export(opset_version=17, dynamo=False)` writes into a real
 * EfficientTAM export (see ../shared/reference/efficienttam-ti.md and the EfficientTAM source): every size read
 * at run time (Shape -> Gather -> Unsqueeze -> Concat -> Reshape), the attention scale computed from a shape
 * (Shape -> Slice -> Cast -> Sqrt -> Div -> Sqrt, applied to q and k), RoPE cos/sin tables sliced and tiled by
 * run-time lengths with `num_obj_ptr_tokens` an int64 scalar input, `expand(b, -1, -1)` as
 * ConstantOfShape/Mul/Equal/Where/Expand, `repeat_interleave` as Expand/Concat/Reshape, and outputs declared with the exporter's
 * placeholder dims (`Castlow_res_masks_dim_0`). Sizes are tiny so that ONNX Runtime runs them in milliseconds.
 */
import { DataType, type ModelProto, makeNode, makeTensor } from '../../src/index.js';
import { GraphSketch } from './graphs.js';

const INT64_MAX = 2n ** 63n - 1n;

/** Helpers for the shape arithmetic a trace writes: one Shape per size read, as torch does. */
class TraceSketch extends GraphSketch {
  private k = 0;
  int(values: readonly (number | bigint)[], dims = [values.length]): string {
    return this.constant(`${this.prefix}/Constant_${this.k++}_output_0`, DataType.INT64, dims, values.map(BigInt));
  }
  float(value: number): string {
    return this.constant(`${this.prefix}/Constant_${this.k++}_output_0`, DataType.FLOAT, [], [value]);
  }
  /** `x.shape[axis]` as a 0-d INT64. */
  dim(x: string, axis: number): string {
    return this.op('Gather', [this.op('Shape', [x]), this.int([axis], [])], { axis: 0 });
  }
  /** A 1-d shape from 0-d sizes and literals: Unsqueeze each size, Concat. */
  shape(parts: readonly (string | number)[]): string {
    const pieces = parts.map((p) => (typeof p === 'number' ? this.int([p]) : this.op('Unsqueeze', [p, this.int([0])])));
    return this.op('Concat', pieces, { axis: 0 });
  }
  reshape(x: string, parts: readonly (string | number)[]): string {
    return this.op('Reshape', [x, this.shape(parts)]);
  }
  /** `x[..., start:end]` on `axis` with run-time bounds. */
  slice(x: string, axis: number, start: string | number | bigint, end: string | number | bigint): string {
    const bound = (v: string | number | bigint) =>
      typeof v === 'string' ? this.op('Unsqueeze', [v, this.int([0])]) : this.int([v]);
    return this.op('Slice', [x, bound(start), bound(end), this.int([axis]), this.int([1])]);
  }
  /** SDPA's scale from the query's last dim: Shape -> Slice -> Cast -> Sqrt -> Div(1, .) -> Sqrt. */
  runTimeScale(q: string): string {
    const last = this.op('Slice', [this.op('Shape', [q]), this.int([-1]), this.int([INT64_MAX])]);
    const d = this.op('Cast', [last], { to: DataType.FLOAT });
    return this.op('Sqrt', [this.op('Div', [this.float(1), this.op('Sqrt', [d])])]);
  }
  /** Pre-scaled q and k -> MatMul -> Softmax -> MatMul, as PyTorch 2.x exports scaled_dot_product_attention. */
  attention(q: string, k: string, v: string): string {
    const s = this.runTimeScale(q);
    const kT = this.op('Transpose', [k], { perm: [0, 1, 3, 2] });
    const scores = this.op('MatMul', [this.op('Mul', [q, s]), this.op('Mul', [kT, s])]);
    return this.op('MatMul', [this.op('Softmax', [scores], { axis: -1 }), v]);
  }
  /** [B, N, C] -> [B, heads, N, C/heads] with B and N read at run time. */
  splitHeads(x: string, heads: number): string {
    const r = this.reshape(x, [this.dim(x, 0), this.dim(x, 1), heads, -1]);
    return this.op('Transpose', [r], { perm: [0, 2, 1, 3] });
  }
  /** [B, heads, N, d] -> [B, N, heads*d]. */
  mergeHeads(x: string): string {
    const [b, n] = [this.dim(x, 0), this.dim(x, 2)];
    return this.reshape(this.op('Transpose', [x], { perm: [0, 2, 1, 3] }), [b, n, -1]);
  }
  /**
   * `torch.repeat_interleave(x, n, dim=0)` with a traced scalar `n`, the way the TorchScript exporter writes it:
   * the repeat count expanded to one per input row (Expand), each row unsqueezed, expanded by its count (a
   * shape Concat that reads the Expand's value) and reshaped back. A shape inference that does not carry values
   * through Expand loses every shape downstream of it.
   */
  repeatInterleave(x: string, n: string): string {
    const rows = this.op('Unsqueeze', [this.dim(x, 0), this.int([0])]);
    const counts = this.op('Expand', [this.op('Unsqueeze', [n, this.int([0])]), rows]);
    const count = this.op('Slice', [counts, this.int([0]), this.int([1]), this.int([0])]);
    const unsqueezed = this.op('Unsqueeze', [x, this.int([1])]);
    const shape = this.op('Shape', [unsqueezed]);
    const head = this.op('Slice', [shape, this.int([0]), this.int([1])]);
    const tail = this.op('Slice', [shape, this.int([2]), this.int([INT64_MAX])]);
    const expanded = this.op('Expand', [unsqueezed, this.op('Concat', [head, count, tail], { axis: 0 })]);
    const inner = this.op('Slice', [this.op('Shape', [x]), this.int([1]), this.int([INT64_MAX])]);
    const total = this.op('Mul', [head, count]);
    return this.op('Reshape', [expanded, this.op('Concat', [total, inner], { axis: 0 })]);
  }
  /** `x.expand(size, -1, -1)` as the opset-9 symbolic writes it (the -1s resolved by Equal/Where at run time). */
  expandMinusOne(x: string, size: string): string {
    const target = this.shape([size, -1, -1]);
    const ones = this.op('ConstantOfShape', [this.op('Shape', [target])], {
      value: makeTensor('', DataType.INT64, [1], [1n]),
    });
    const minusOnes = this.op('Mul', [ones, this.int([-1], [])]);
    const fixed = this.op('Where', [this.op('Equal', [target, minusOnes]), ones, target]);
    return this.op('Expand', [x, fixed]);
  }
}

/** Axial RoPE tables for a w x w grid and `pairs` rotated pairs per token (cos, sin), [w*w, pairs]. */
function ropeTables(w: number, pairs: number): [number[], number[]] {
  const cos: number[] = [];
  const sin: number[] = [];
  for (let t = 0; t < w * w; t++)
    for (let i = 0; i < pairs; i++) {
      const angle = (i < pairs / 2 ? t % w : Math.floor(t / w)) / 100 ** ((2 * (i % (pairs / 2))) / pairs);
      cos.push(Math.cos(angle));
      sin.push(Math.sin(angle));
    }
  return [cos, sin];
}

/** Rotates pairs of x [B, h, N, d] by tables [N, d/2] (real arithmetic: view_as_complex does not export). */
function rotate(g: TraceSketch, x: string, cos: string, sin: string): string {
  const [b, h, n] = [g.dim(x, 0), g.dim(x, 1), g.dim(x, 2)];
  const pairs = g.reshape(x, [b, h, n, -1, 2]);
  const re = g.op('Gather', [pairs, g.int([0], [])], { axis: -1 });
  const im = g.op('Gather', [pairs, g.int([1], [])], { axis: -1 });
  const outRe = g.op('Sub', [g.op('Mul', [re, cos]), g.op('Mul', [im, sin])]);
  const outIm = g.op('Add', [g.op('Mul', [re, sin]), g.op('Mul', [im, cos])]);
  const stacked = g.op('Concat', [g.op('Unsqueeze', [outRe, g.int([-1])]), g.op('Unsqueeze', [outIm, g.int([-1])])], {
    axis: -1,
  });
  return g.reshape(stacked, [b, h, n, -1]);
}

/** Grid side and widths of the export-style memory attention. */
export const EXPORT_STYLE = { grid: 4, dModel: 8, memDim: 4 } as const;

/**
 * RoPE cross-attention of `curr` [16,1,8] to `memory`/`memory_pos` [num_mem_tokens,1,4] (sequence-first), the
 * last `num_obj_ptr_tokens` memory tokens kept out of RoPE, as EfficientTAM's memory attention does it; output
 * `pix_feat_with_mem` declared with placeholder dims.
 */
export function exportStyleMemoryAttention(): ModelProto {
  const { grid, dModel, memDim } = EXPORT_STYLE;
  const tokens = grid * grid;
  const g = new TraceSketch('/memory_attention/layers.0/cross_attn_image');
  const curr = g.input('curr', DataType.FLOAT, [tokens, 1, dModel]);
  const memory = g.input('memory', DataType.FLOAT, ['num_mem_tokens', 1, memDim]);
  const memoryPos = g.input('memory_pos', DataType.FLOAT, ['num_mem_tokens', 1, memDim]);
  const pointers = g.input('num_obj_ptr_tokens', DataType.INT64, []);
  const [cosValues, sinValues] = ropeTables(grid, dModel / 2);
  g.constant('freqs_cos', DataType.FLOAT, [tokens, dModel / 2], cosValues);
  g.constant('freqs_sin', DataType.FLOAT, [tokens, dModel / 2], sinValues);
  const x = g.op('Transpose', [curr], { perm: [1, 0, 2] });
  const keys = g.op('Transpose', [g.op('Add', [memory, memoryPos])], { perm: [1, 0, 2] });
  const values = g.op('Transpose', [memory], { perm: [1, 0, 2] });
  const q = g.splitHeads(g.op('MatMul', [x, g.weight('wq', [dModel, dModel], 31, 0.5)]), 1);
  const k = g.splitHeads(g.op('MatMul', [keys, g.weight('wk', [memDim, dModel], 32, 0.5)]), 1);
  const v = g.splitHeads(g.op('MatMul', [values, g.weight('wv', [memDim, dModel], 33, 0.5)]), 1);
  // The tables indexed by the query length read at run time.
  const qLen = g.dim(q, 2);
  const cos = g.slice('freqs_cos', 0, 0, qLen);
  const sin = g.slice('freqs_sin', 0, 0, qLen);
  // Keys: the first N - num_obj_ptr_tokens rotate with the tables repeated per memory frame (rope_k_repeat).
  const ropeLen = g.op('Sub', [g.dim(k, 2), pointers]);
  const kRope = g.slice(k, 2, 0, ropeLen);
  const repeats = g.op('Div', [g.dim(kRope, 2), qLen]);
  const tile = g.shape([repeats, 1]);
  const kRotated = rotate(g, kRope, g.op('Tile', [cos, tile]), g.op('Tile', [sin, tile]));
  const kPointers = g.slice(k, 2, ropeLen, INT64_MAX);
  const kAll = g.op('Concat', [kRotated, kPointers], { axis: 2 });
  const attended = g.mergeHeads(g.attention(rotate(g, q, cos, sin), kAll, v));
  const out = g.op('Add', [x, g.op('MatMul', [attended, g.weight('wo', [dModel, dModel], 34, 0.5)])]);
  g.graph.node.push(
    makeNode({
      opType: 'Transpose',
      name: '/memory_attention/Transpose',
      inputs: [out],
      outputs: ['pix_feat_with_mem'],
      attributes: { perm: [1, 0, 2] },
    }),
  );
  g.output(
    'pix_feat_with_mem',
    DataType.FLOAT,
    [0, 1, 2].map((i) => `Transposepix_feat_with_mem_dim_${i}`),
  );
  return g.model();
}

/**
 * A mask decoder: `image_embed` [1,8,4,4], `point_coords` [1,num_points,2], `point_labels` int32 [1,num_points]
 * -> `low_res_masks` [1,3,16,16] (two stride-2 ConvTransposes) and `iou_predictions` [1,3], both declared with
 * placeholder dims. Points are padded with a label -1 point, embedded with random Fourier features (Sin/Cos),
 * labels select embeddings with Equal/Where, output tokens are expanded with -1 and the image embedding repeated
 * per prompt (`repeat_interleave`).
 */
export function exportStyleMaskDecoder(): ModelProto {
  const C = 8;
  const g = new TraceSketch('/sam_mask_decoder');
  const embed = g.input('image_embed', DataType.FLOAT, [1, C, 4, 4]);
  const coords = g.input('point_coords', DataType.FLOAT, [1, 'num_points', 2]);
  const labels = g.input('point_labels', DataType.INT32, [1, 'num_points']);
  // _embed_points(pad=True): a zero point with label -1 appended.
  const batch = g.dim(coords, 0);
  const zeros = g.op('ConstantOfShape', [g.shape([batch, 1, 2])]);
  const points = g.op('Concat', [g.op('Add', [coords, g.float(0.5)]), zeros], { axis: 1 });
  const ones = g.op('ConstantOfShape', [g.shape([g.dim(labels, 0), 1])], {
    value: makeTensor('', DataType.FLOAT, [1], [1]),
  });
  const padLabel = g.op('Neg', [ones]);
  const allLabels = g.op('Concat', [g.op('Cast', [labels], { to: DataType.FLOAT }), padLabel], { axis: 1 });
  const unit = g.op('Sub', [g.op('Mul', [g.op('Div', [points, g.float(64)]), g.float(2)]), g.float(1)]);
  const phase = g.op('Mul', [g.op('MatMul', [unit, g.weight('gaussian', [2, C / 2], 41)]), g.float(2 * Math.PI)]);
  let pe = g.op('Concat', [g.op('Sin', [phase]), g.op('Cos', [phase])], { axis: -1 });
  const isLabel = (value: number) =>
    g.op('Unsqueeze', [
      g.op('Equal', [allLabels, g.constant(`label_${value}`, DataType.FLOAT, [], [value])]),
      g.int([-1]),
    ]);
  pe = g.op('Where', [isLabel(-1), g.weight('not_a_point', [C], 42), pe]);
  for (const value of [0, 1, 2, 3])
    pe = g.op('Where', [isLabel(value), g.op('Add', [pe, g.weight(`point_embed_${value}`, [C], 43 + value)]), pe]);
  // output_tokens.unsqueeze(0).expand(B, -1, -1), then cat with the sparse embeddings.
  const outputTokens = g.op('Unsqueeze', [g.weight('output_tokens', [4, C], 50), g.int([0])]);
  const tokens = g.op('Concat', [g.expandMinusOne(outputTokens, g.dim(pe, 0)), pe], { axis: 1 });
  // repeat_interleave(image_embeddings, tokens.shape[0], dim=0), flattened to [B, HW, C].
  const src = g.repeatInterleave(embed, g.dim(tokens, 0));
  const [b, c, h, w] = [0, 1, 2, 3].map((i) => g.dim(src, i)) as [string, string, string, string];
  const flat = g.op('Transpose', [g.reshape(src, [b, c, -1])], { perm: [0, 2, 1] });
  const q = g.splitHeads(g.op('MatMul', [tokens, g.weight('wq', [C, C], 51, 0.5)]), 2);
  const k = g.splitHeads(g.op('MatMul', [flat, g.weight('wk', [C, C], 52, 0.5)]), 2);
  const v = g.splitHeads(g.op('MatMul', [flat, g.weight('wv', [C, C], 53, 0.5)]), 2);
  const hs = g.op('Add', [tokens, g.mergeHeads(g.attention(q, k, v))]);
  // Upscaling: src back to [B, C, h, w], two stride-2 ConvTransposes, masks from the mask tokens' hypernetwork.
  const image = g.reshape(g.op('Transpose', [flat], { perm: [0, 2, 1] }), [b, c, h, w]);
  const up1 = g.op('Relu', [
    g.op('ConvTranspose', [image, g.weight('up1', [C, 4, 2, 2], 54, 0.5)], { strides: [2, 2] }),
  ]);
  const up2 = g.op('ConvTranspose', [up1, g.weight('up2', [4, 2, 2, 2], 55, 0.5)], { strides: [2, 2] });
  const maskTokens = g.slice(hs, 1, 1, 4);
  const hyper = g.op('MatMul', [maskTokens, g.weight('hyper', [C, 2], 56)]);
  const [ub, uc, uh, uw] = [0, 1, 2, 3].map((i) => g.dim(up2, i)) as [string, string, string, string];
  const upFlat = g.reshape(up2, [ub, uc, g.op('Mul', [uh, uw])]);
  const masks = g.reshape(g.op('MatMul', [hyper, upFlat]), [ub, -1, uh, uw]);
  const iouToken = g.op('Gather', [hs, g.int([0], [])], { axis: 1 });
  const iou = g.op('Sigmoid', [g.op('Gemm', [iouToken, g.weight('iou_head', [C, 3], 57)])]);
  for (const [from, to] of [
    [masks, 'low_res_masks'],
    [iou, 'iou_predictions'],
  ] as const)
    g.graph.node.push(makeNode({ opType: 'Identity', name: `/Cast_${to}`, inputs: [from], outputs: [to] }));
  g.output(
    'low_res_masks',
    DataType.FLOAT,
    [0, 1, 2, 3].map((i) => `Castlow_res_masks_dim_${i}`),
  );
  g.output(
    'iou_predictions',
    DataType.FLOAT,
    [0, 1].map((i) => `Castiou_predictions_dim_${i}`),
  );
  return g.model();
}
