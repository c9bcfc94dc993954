/**
 * Layers as PyTorch 2.x exports them at opset 17 (TorchScript exporter, constant folding on). Each helper opens
 * the module's scope, so node and initializer names follow the module path. Weights are stored the way the
 * export stores them: Linear on a 3-d+ input is MatMul with the transposed weight [in, out] plus Add of the bias;
 * on a 2-d input it is Gemm(transB=1) with the weight [out, in].
 */
import { DataType } from '../../onnx/types.js';
import type { ModuleBuilder, WeightInit } from './module-builder.js';
import { transpose } from './shape-ops.js';

/** Options shared by the parameterised layers. */
export interface ParamOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /** Weight init (default: trunc-normal std 0.02 for linear, kaiming for conv). */
  weightInit?: WeightInit;
  /** Bias init (default zeros with jitter 0.02, as a trained bias looks). */
  biasInit?: WeightInit;
  /** Edits the weight values before they are stored (planting outliers). Layout as stored. */
  weightTransform?: (values: Float32Array) => void;
  /** Edits the bias values before they are stored. */
  biasTransform?: (values: Float32Array) => void;
}

/** torch's `_constants.INT64_MAX`, the open end of `x[-1:]`. */
const INT64_MAX = 9223372036854775807n;

const trainedBias: WeightInit = { init: 'zeros', jitter: 0.02 };

/** nn.Linear on a [.., in] tensor: MatMul(x, W^T as [in, out] initializer) then Add(bias). */
export function linear(
  b: ModuleBuilder,
  x: string,
  name: string,
  inFeatures: number,
  outFeatures: number,
  options: ParamOptions = {},
): string {
  return b.scope(name, () => {
    const w = b.weight(
      'weight',
      [inFeatures, outFeatures],
      options.weightInit ?? { std: 0.02 },
      options.weightTransform,
    );
    const y = b.op1('MatMul', [x, w]);
    if (options.bias === false) return y;
    const bias = b.weight('bias', [outFeatures], options.biasInit ?? trainedBias, options.biasTransform);
    return b.op1('Add', [bias, y]);
  });
}

/** nn.Linear on a 2-d [N, in] tensor: Gemm(x, W [out, in], bias, transB=1), as torch exports it. */
export function gemm(
  b: ModuleBuilder,
  x: string,
  name: string,
  inFeatures: number,
  outFeatures: number,
  options: ParamOptions = {},
): string {
  return b.scope(name, () => {
    const w = b.weight(
      'weight',
      [outFeatures, inFeatures],
      options.weightInit ?? { std: 0.02 },
      options.weightTransform,
    );
    const inputs = [x, w];
    if (options.bias !== false)
      inputs.push(b.weight('bias', [outFeatures], options.biasInit ?? trainedBias, options.biasTransform));
    return b.op1('Gemm', inputs, { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 });
  });
}

/** Options of the normalisation layers. */
export interface NormOptions {
  /** Epsilon (default 1e-6, the ViT/SAM value; nn.LayerNorm's default is 1e-5). */
  eps?: number;
  /** Weight init (default ones with jitter 0.05). */
  weightInit?: WeightInit;
  /** Bias init (default zeros with jitter 0.02). */
  biasInit?: WeightInit;
  weightTransform?: (values: Float32Array) => void;
  biasTransform?: (values: Float32Array) => void;
}

/** nn.LayerNorm over the last axis: one LayerNormalization node (opset 17). */
export function layerNorm(b: ModuleBuilder, x: string, name: string, dim: number, options: NormOptions = {}): string {
  return b.scope(name, () => {
    const w = b.weight('weight', [dim], options.weightInit ?? { init: 'ones', jitter: 0.05 }, options.weightTransform);
    const bias = b.weight('bias', [dim], options.biasInit ?? trainedBias, options.biasTransform);
    return b.op1('LayerNormalization', [x, w, bias], { axis: -1, epsilon: { float: options.eps ?? 1e-6 } });
  });
}

/**
 * SAM's LayerNorm2d over channels of NCHW, decomposed as torch traces its Python body:
 * u = mean(x, 1); s = mean((x - u)^2, 1); x = (x - u) / sqrt(s + eps); weight[:, None, None] * x + bias[:, None, None]
 * -> ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add (weight and bias folded to [C, 1, 1]).
 */
export function layerNorm2d(
  b: ModuleBuilder,
  x: string,
  name: string,
  channels: number,
  options: NormOptions = {},
): string {
  return b.scope(name, () => {
    const mean = b.op1('ReduceMean', [x], { axes: [1], keepdims: 1 });
    const centred = b.op1('Sub', [x, mean]);
    const squared = b.op1('Pow', [centred, b.floatConstant(2)]);
    const variance = b.op1('ReduceMean', [squared], { axes: [1], keepdims: 1 });
    const std = b.op1('Sqrt', [b.op1('Add', [variance, b.floatConstant(options.eps ?? 1e-6)])]);
    const normed = b.op1('Div', [centred, std]);
    const w = b.weight(
      'weight',
      [channels, 1, 1],
      options.weightInit ?? { init: 'ones', jitter: 0.05 },
      options.weightTransform,
    );
    const bias = b.weight('bias', [channels, 1, 1], options.biasInit ?? trainedBias, options.biasTransform);
    return b.op1('Add', [b.op1('Mul', [w, normed]), bias]);
  });
}

/** nn.GELU (exact): x * 0.5 * (1 + erf(x / sqrt 2)) -> Div, Erf, Add, Mul, Mul. No scope of its own: pass `name` to open one (e.g. `act`). */
export function gelu(b: ModuleBuilder, x: string, name?: string): string {
  const body = () => {
    const erf = b.op1('Erf', [b.op1('Div', [x, b.floatConstant(Math.SQRT2)])]);
    const onePlus = b.op1('Add', [erf, b.floatConstant(1)]);
    return b.op1('Mul', [b.op1('Mul', [x, onePlus]), b.floatConstant(0.5)]);
  };
  return name ? b.scope(name, body) : body();
}

/** nn.ReLU / F.relu. */
export function relu(b: ModuleBuilder, x: string, name?: string): string {
  return name ? b.scope(name, () => b.op1('Relu', [x])) : b.op1('Relu', [x]);
}

/** Options of conv layers. */
export interface ConvOptions extends ParamOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
}

/** nn.Conv2d: one Conv node, weight [out, in/groups, k, k] (kaiming-like by default), optional bias. */
export function conv2d(
  b: ModuleBuilder,
  x: string,
  name: string,
  inChannels: number,
  outChannels: number,
  kernel: number,
  options: ConvOptions = {},
): string {
  const fanIn = (inChannels / groups(options)) * kernel * kernel;
  return convLike(
    b,
    'Conv',
    x,
    name,
    [outChannels, inChannels / groups(options), kernel, kernel],
    outChannels,
    fanIn,
    options,
  );
}

/** nn.ConvTranspose2d: one ConvTranspose node, weight [in, out, k, k]. */
export function convTranspose2d(
  b: ModuleBuilder,
  x: string,
  name: string,
  inChannels: number,
  outChannels: number,
  kernel: number,
  options: ConvOptions = {},
): string {
  const fanIn = inChannels * kernel * kernel;
  return convLike(
    b,
    'ConvTranspose',
    x,
    name,
    [inChannels, outChannels / groups(options), kernel, kernel],
    outChannels,
    fanIn,
    options,
  );
}

const groups = (options: ConvOptions) => options.groups ?? 1;

/** The shared body of Conv and ConvTranspose: weight (kaiming by default), optional bias, one node. */
function convLike(
  b: ModuleBuilder,
  opType: 'Conv' | 'ConvTranspose',
  x: string,
  name: string,
  weightDims: number[],
  outChannels: number,
  fanIn: number,
  options: ConvOptions,
): string {
  const { stride = 1, padding = 0, dilation = 1 } = options;
  const kernel = weightDims[2]!;
  return b.scope(name, () => {
    const w = b.weight(
      'weight',
      weightDims,
      options.weightInit ?? { init: 'kaiming', fanIn, gain: 1 },
      options.weightTransform,
    );
    const inputs = [x, w];
    if (options.bias !== false)
      inputs.push(b.weight('bias', [outChannels], options.biasInit ?? trainedBias, options.biasTransform));
    return b.op1(opType, inputs, {
      dilations: [dilation, dilation],
      group: groups(options),
      kernel_shape: [kernel, kernel],
      pads: [padding, padding, padding, padding],
      strides: [stride, stride],
    });
  });
}

/** Options of scaled-dot-product attention. */
export interface AttentionOptions {
  /** An additive float mask broadcast onto the scores (Add before Softmax). */
  mask?: string;
  /** Rank of q/k/v (default 4: [B, heads, N, d]). */
  rank?: number;
  /**
   * `k` is already k^T ([B, heads, d, N]): the exporter fuses the head split's Transpose with SDPA's key
   * Transpose into one when nothing stands between them (default false).
   */
  keyTransposed?: boolean;
}

/**
 * F.scaled_dot_product_attention as torch's opset-14+ symbolic exports it:
 * scale = Cast(Div(Constant 1.0, Sqrt(Cast(Slice(Shape(q), -1:))))) computed at run time;
 * Mul(q, Sqrt(scale)) and Mul(Transpose(k), Sqrt(scale)) -> MatMul -> [Add mask] -> Softmax(-1) -> MatMul(v).
 * Returns the attention output and the score/softmax tensor names, for callers that plant or probe them.
 */
export function scaledDotProductAttention(
  b: ModuleBuilder,
  q: string,
  k: string,
  v: string,
  options: AttentionOptions = {},
): { output: string; scores: string; probs: string } {
  const rank = options.rank ?? 4;
  const shape = b.op1('Shape', [q]);
  const last = b.op1('Slice', [shape, b.constant([-1]), b.constant([INT64_MAX])]);
  const embed = b.op1('Cast', [last], { to: DataType.FLOAT });
  const scale = b.op1('Cast', [b.op1('Div', [b.floatConstant([1]), b.op1('Sqrt', [embed])])], { to: DataType.FLOAT });
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 1], perm[rank - 2]] = [perm[rank - 2]!, perm[rank - 1]!];
  const kT = options.keyTransposed ? k : transpose(b, k, perm);
  const qScaled = b.op1('Mul', [q, b.op1('Sqrt', [scale])]);
  const kScaled = b.op1('Mul', [kT, b.op1('Sqrt', [scale])]);
  let scores = b.op1('MatMul', [qScaled, kScaled]);
  if (options.mask) scores = b.op1('Add', [scores, options.mask]);
  const probs = b.op1('Softmax', [scores], { axis: -1 });
  return { output: b.op1('MatMul', [probs, v]), scores, probs };
}
