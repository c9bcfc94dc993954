/**
 * Hand-built test graphs in the forms PyTorch 2.x exports: attention with pre-scaled q/k (scale computed at run
 * time from shapes) or scaled scores, LayerNormalization and the decomposed LayerNorm chain.
 */
import {
  DataType,
  emptyGraph,
  type GraphProto,
  type ModelProto,
  makeModel,
  makeNode,
  makeTensor,
  makeValueInfo,
  type NodeSpec,
} from '../../src/index.js';
import { seededValues } from './ort-feeds.js';

/** A small graph under construction: nodes get names `/block/<Op>_<n>` like an exporter's. */
export class GraphSketch {
  readonly graph: GraphProto = emptyGraph('test');
  private count = 0;

  constructor(readonly prefix = '/block') {}

  node(opType: string, inputs: string[], attributes: NodeSpec['attributes'] = {}, outputs = 1): string[] {
    const name = `${this.prefix}/${opType}_${this.count++}`;
    const outs = Array.from({ length: outputs }, (_, k) => `${name}_output_${k}`);
    this.graph.node.push(makeNode({ opType, name, inputs, outputs: outs, attributes }));
    return outs;
  }

  op(opType: string, inputs: string[], attributes: NodeSpec['attributes'] = {}): string {
    return this.node(opType, inputs, attributes)[0]!;
  }

  weight(name: string, dims: number[], seed: number, scale = 1): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const values = seededValues(n, seed).map((v) => v * scale);
    this.graph.initializer.push(makeTensor(name, DataType.FLOAT, dims, values));
    return name;
  }

  constant(name: string, dataType: number, dims: number[], values: ArrayLike<number> | ArrayLike<bigint>): string {
    this.graph.initializer.push(makeTensor(name, dataType, dims, values));
    return name;
  }

  input(name: string, elemType: number, shape: (number | string)[]): string {
    this.graph.input.push(makeValueInfo(name, elemType, shape));
    return name;
  }

  output(name: string, elemType: number, shape?: (number | string | null)[]): void {
    this.graph.output.push(makeValueInfo(name, elemType, shape));
  }

  model(opset = 17): ModelProto {
    return makeModel({ graph: this.graph, opset });
  }
}

export interface AttentionGraphOptions {
  form: 'prescaled-qk' | 'scaled-mul' | 'scaled-div';
  mask?: boolean;
  /** Normalisation after the residual: LayerNormalization op or the decomposed chain. */
  norm?: 'op' | 'decomposed';
  /** Multiplies the q/k projections and the residual so FP16 overflows (scores, squares). */
  outliers?: number;
  seq?: number;
  dim?: number;
}

/** x [1,S,D] -> single-head attention -> + x -> layer norm -> y [1,S,D]. */
export function attentionModel(options: AttentionGraphOptions): ModelProto {
  const S = options.seq ?? 8;
  const D = options.dim ?? 16;
  const big = options.outliers ?? 1;
  const g = new GraphSketch('/attn');
  const x = g.input('x', DataType.FLOAT, [1, S, D]);
  const q = g.op('MatMul', [x, g.weight('wq', [D, D], 1, big)]);
  const k = g.op('MatMul', [x, g.weight('wk', [D, D], 2, big)]);
  const v = g.op('MatMul', [x, g.weight('wv', [D, D], 3)]);
  const kT = g.op('Transpose', [k], { perm: [0, 2, 1] });
  let scores: string;
  if (options.form === 'prescaled-qk') {
    // scale = sqrt(1 / sqrt(D)) computed from the shape, as torch's scaled_dot_product_attention exports it.
    const shape = g.op('Shape', [q]);
    const last = g.op('Gather', [shape, g.constant('last', DataType.INT64, [], [2n])], { axis: 0 });
    const d = g.op('Cast', [last], { to: DataType.FLOAT });
    const root = g.op('Sqrt', [d]);
    const inv = g.op('Div', [g.constant('one', DataType.FLOAT, [], [1]), root]);
    const s = g.op('Sqrt', [inv]);
    scores = g.op('MatMul', [g.op('Mul', [q, s]), g.op('Mul', [kT, s])]);
  } else {
    const raw = g.op('MatMul', [q, kT]);
    scores =
      options.form === 'scaled-mul'
        ? g.op('Mul', [raw, g.constant('scale', DataType.FLOAT, [], [1 / Math.sqrt(D)])])
        : g.op('Div', [raw, g.constant('root_d', DataType.FLOAT, [], [Math.sqrt(D)])]);
  }
  if (options.mask) scores = g.op('Add', [scores, g.weight('mask', [1, S, S], 4, 0.5)]);
  const probs = g.op('Softmax', [scores], { axis: -1 });
  const attended = g.op('MatMul', [probs, v]);
  const residual = g.op('Add', [attended, g.op('Mul', [x, g.constant('gain', DataType.FLOAT, [], [big])])]);
  const y = options.norm === 'decomposed' ? decomposedLayerNorm(g, residual, D) : layerNormOp(g, residual, D);
  g.graph.node.push(makeNode({ opType: 'Identity', name: '/attn/out', inputs: [y], outputs: ['y'] }));
  g.output('y', DataType.FLOAT, [1, S, D]);
  return g.model();
}

function layerNormOp(g: GraphSketch, x: string, D: number): string {
  return g.op('LayerNormalization', [x, g.weight('ln_w', [D], 5), g.weight('ln_b', [D], 6)], {
    axis: -1,
    epsilon: 1e-6,
  });
}

/** ReduceMean -> Sub -> Pow -> ReduceMean -> Add -> Sqrt -> Div -> Mul(w) -> Add(b), over the last axis. */
export function decomposedLayerNorm(g: GraphSketch, x: string, D: number, axis = -1): string {
  const mean = g.op('ReduceMean', [x], { axes: [axis], keepdims: 1 });
  const centred = g.op('Sub', [x, mean]);
  const sq = g.op('Pow', [centred, g.constant(`two_${centred}`, DataType.FLOAT, [], [2])]);
  const variance = g.op('ReduceMean', [sq], { axes: [axis], keepdims: 1 });
  const std = g.op('Sqrt', [g.op('Add', [variance, g.constant(`eps_${centred}`, DataType.FLOAT, [], [1e-6])])]);
  const normed = g.op('Div', [centred, std]);
  const shape = axis === -1 ? [D] : [D, 1, 1];
  return g.op('Add', [
    g.op('Mul', [normed, g.weight(`w_${centred}`, shape, 7)]),
    g.weight(`b_${centred}`, shape, 8, 0.1),
  ]);
}
