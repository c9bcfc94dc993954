/**
 * Layer normalisation, fused:
 * - `fuseLayerNormInGraph`: the decomposed chain exporters emit (ReduceMean -> Sub -> Pow(2) -> ReduceMean ->
 *   Add(eps) -> Sqrt -> Div [-> Mul(weight) -> Add(bias)], see patterns/normalization.ts) becomes one
 *   LayerNormalization (opset 17). Over the last axis directly; over the channels of NCHW (SAM's LayerNorm2d) as
 *   Transpose -> LayerNormalization -> Transpose, where a following inverse Transpose (ConvNeXt blocks permute
 *   right after the norm) cancels ours.
 * - `fuseSkipLayerNormInGraph`: a residual Add feeding a LayerNormalization over the last axis of a 2-D or 3-D
 *   tensor becomes ONNX Runtime's com.microsoft SkipLayerNormalization, whose fourth output is the sum when the
 *   residual is read elsewhere too.
 */
import { getFloat, getIntNumber } from '../../graph/attributes.js';
import { makeNode } from '../../graph/build.js';
import type { Graph } from '../../graph/graph.js';
import { makeTensor } from '../../onnx/tensor-data.js';
import { DataType, type NodeProto } from '../../onnx/types.js';
import { findNormalizations, type NormalizationMatch } from '../../patterns/normalization.js';
import {
  fusedName,
  isOnnxOp,
  MS_DOMAIN,
  near,
  onlyReadBy,
  otherInput,
  reduceAxes,
  replaceNodes,
  robustShapes,
  type ShapeHints,
  storedDims,
  storedFloats,
  storedScalar,
} from './common.js';

/** Options of the layer-normalisation fusion. */
export interface FuseLayerNormOptions {
  /** Also fuse LayerNorm2d (over the channels of NCHW) as Transpose -> LayerNormalization -> Transpose (default true). */
  channelsFirst?: boolean;
  /** Dims and input values for shape inference (see `FuseOptions.shapeHints`). */
  shapeHints?: ShapeHints;
}

const byName = (graph: Graph, name: string | undefined) => (name ? graph.node(name) : undefined);

/** The chain's nodes in order, or undefined when an intermediate is read outside it (fusing would break a reader). */
function chainNodes(graph: Graph, m: NormalizationMatch): NodeProto[] | undefined {
  const nodes = m.nodes.map((n) => graph.node(n));
  if (nodes.some((n) => n === undefined)) return undefined;
  const chain = nodes as NodeProto[];
  const [mean, sub, pow, variance, addEps, sqrt, div] = chain;
  const readers: [NodeProto, NodeProto[]][] = [
    [mean!, [sub!]],
    [sub!, [pow!, div!]],
    [pow!, [variance!]],
    [variance!, [addEps!]],
    [addEps!, [sqrt!]],
    [sqrt!, [div!]],
    ...chain.slice(6, -1).map((n, i): [NodeProto, NodeProto[]] => [n, [chain[7 + i]!]]),
  ];
  return readers.every(([n, r]) => onlyReadBy(graph, n.output[0] ?? '', r)) ? chain : undefined;
}

/** The affine weight or bias as a 1-D [C] tensor (it may be stored as [C, 1, 1] or [1, C]). */
function perChannel(graph: Graph, tensor: string | undefined, channels: number): Float32Array | undefined {
  if (tensor === undefined) return undefined;
  const values = storedFloats(graph, tensor);
  const dims = storedDims(graph, tensor) ?? [];
  return values?.length === channels && dims.filter((d) => d !== 1).length <= 1 ? values : undefined;
}

/**
 * Which axis a decomposed norm reduces and over how many channels: the last axis (any rank), or the channels of
 * NCHW (LayerNorm2d). The input's rank comes from shape inference or, where that stops (an export's mask decoder
 * behind repeat_interleave), from the affine weight: stored as [C, 1, 1] it broadcasts over H and W of NCHW.
 */
function normalizedLayout(
  shape: number[] | undefined,
  axis: number,
  weightDims: number[] | undefined,
): { channels: number; lastAxis: boolean } | undefined {
  if (shape !== undefined) {
    const a = axis < 0 ? axis + shape.length : axis;
    const channels = shape[a] ?? -1;
    if (channels <= 0) return undefined;
    if (a === shape.length - 1) return { channels, lastAxis: true };
    return shape.length === 4 && a === 1 ? { channels, lastAxis: false } : undefined;
  }
  if (axis === 1 && weightDims?.length === 3 && weightDims[1] === 1 && weightDims[2] === 1 && weightDims[0]! > 0) {
    return { channels: weightDims[0]!, lastAxis: false };
  }
  return undefined;
}

/** Fuses every decomposed layer normalisation it can; returns how many. */
export function fuseLayerNormInGraph(graph: Graph, options: FuseLayerNormOptions = {}): number {
  const shapeOf = robustShapes(graph, options.shapeHints);
  let fused = 0;
  for (const m of findNormalizations(graph.proto)) {
    if (m.kind !== 'decomposed') continue;
    const chain = chainNodes(graph, m);
    if (!chain) continue;
    const [mean, , pow, variance, addEps] = chain;
    const axes = reduceAxes(graph, mean!);
    if (!axes || axes.length !== 1 || String(reduceAxes(graph, variance!)) !== String(axes)) continue;
    if (getIntNumber(mean!, 'keepdims', 1) !== 1 || getIntNumber(variance!, 'keepdims', 1) !== 1) continue;
    if (!near(storedScalar(graph, pow!.input[1] ?? ''), 2)) continue;
    const epsTensor = addEps!.input.find((t) => storedScalar(graph, t) !== undefined);
    const epsilon = epsTensor === undefined ? undefined : storedScalar(graph, epsTensor);
    const divOut = chain[6]!.output[0] ?? '';
    const scaleNode = byName(graph, m.scale);
    const weightTensor = scaleNode ? otherInput(scaleNode, divOut) : undefined;
    const weightDims = weightTensor ? storedDims(graph, weightTensor) : undefined;
    const layout = normalizedLayout(shapeOf(m.input), axes[0]!, weightDims);
    if (epsilon === undefined || layout === undefined) continue;
    const { channels, lastAxis } = layout;
    if (!lastAxis && options.channelsFirst === false) continue;
    const biasNode = byName(graph, m.bias);
    const weight = weightTensor ? perChannel(graph, weightTensor, channels) : new Float32Array(channels).fill(1);
    const bias = biasNode
      ? perChannel(graph, otherInput(biasNode, scaleNode?.output[0] ?? ''), channels)
      : new Float32Array(channels);
    if (!weight || !bias) continue;
    const name = fusedName(graph, mean!, 'LayerNormalization');
    const scale = graph.addInitializer(makeTensor(`${name}.weight`, DataType.FLOAT, [channels], weight));
    const shift = graph.addInitializer(makeTensor(`${name}.bias`, DataType.FLOAT, [channels], bias));
    const ln = (x: string, y: string) =>
      makeNode({
        opType: 'LayerNormalization',
        name,
        inputs: [x, scale.name ?? '', shift.name ?? ''],
        outputs: [y],
        attributes: { axis: -1, epsilon: { float: epsilon } },
      });
    if (lastAxis) {
      replaceNodes(graph, chain, [ln(m.input, m.output)]);
    } else {
      const nhwc = graph.uniqueName(`${name}/nhwc_in`);
      const normed = graph.uniqueName(`${name}/nhwc_out`);
      const toNhwc = makeNode({
        opType: 'Transpose',
        name: graph.uniqueName(`${name}/ToNHWC`),
        inputs: [m.input],
        outputs: [nhwc],
        attributes: { perm: [0, 2, 3, 1] },
      });
      const toNchw = makeNode({
        opType: 'Transpose',
        name: graph.uniqueName(`${name}/ToNCHW`),
        inputs: [normed],
        outputs: [m.output],
        attributes: { perm: [0, 3, 1, 2] },
      });
      replaceNodes(graph, chain, [toNhwc, ln(nhwc, normed), toNchw]);
      cancelInverseTranspose(graph, toNchw);
    }
    fused++;
  }
  return fused;
}

/** When the only reader of `transpose`'s output is a Transpose undoing it, both go: readers take its input. */
function cancelInverseTranspose(graph: Graph, transpose: NodeProto): void {
  const out = transpose.output[0] ?? '';
  const readers = graph.consumersOf(out);
  const next = readers[0];
  if (readers.length !== 1 || !isOnnxOp(next, 'Transpose') || graph.isGraphOutput(out)) return;
  const perm = (n: NodeProto) => n.attribute.find((a) => a.name === 'perm')?.ints.map(Number) ?? [];
  const first = perm(transpose);
  const second = perm(next);
  if (first.length !== second.length || !second.every((p, i) => first[p] === i)) return;
  graph.replaceAllUses(next.output[0] ?? '', transpose.input[0] ?? '');
  graph.removeNode(next);
  graph.removeNode(transpose);
}

/** Fuses residual Add -> LayerNormalization into SkipLayerNormalization where ORT's kernels accept it. */
export function fuseSkipLayerNormInGraph(graph: Graph, shapeHints?: ShapeHints): number {
  const shapeOf = robustShapes(graph, shapeHints);
  let fused = 0;
  for (const ln of graph.nodes.filter((n) => isOnnxOp(n, 'LayerNormalization'))) {
    const sum = ln.input[0] ?? '';
    const add = graph.producerOf(sum);
    if (!isOnnxOp(add, 'Add') || ln.output.filter((o) => o !== '').length !== 1) continue;
    const [a = '', b = ''] = add.input;
    const shape = shapeOf(a);
    const rank = shape?.length ?? 0;
    const axis = getIntNumber(ln, 'axis', -1);
    if ((rank !== 2 && rank !== 3) || (axis !== -1 && axis !== rank - 1)) continue;
    if (storedDims(graph, a) !== undefined || storedDims(graph, b) !== undefined) continue;
    if (String(shapeOf(b)) !== String(shape)) continue;
    const gamma = ln.input[1] ?? '';
    const beta = ln.input[2] ?? '';
    // ORT's kernels read gamma and beta as [hidden], hidden the static last dim.
    if (String(storedDims(graph, gamma)) !== String([shape![rank - 1]])) continue;
    if (beta !== '' && String(storedDims(graph, beta)) !== String([shape![rank - 1]])) continue;
    // The sum is also the residual carried on: the fused node's fourth output keeps it.
    const sumReadElsewhere = !onlyReadBy(graph, sum, [ln]);
    const node = makeNode({
      opType: 'SkipLayerNormalization',
      domain: MS_DOMAIN,
      name: fusedName(graph, ln, 'SkipLayerNormalization'),
      inputs: beta === '' ? [a, b, gamma] : [a, b, gamma, beta],
      outputs: sumReadElsewhere ? [ln.output[0] ?? '', '', '', sum] : [ln.output[0] ?? ''],
      attributes: { epsilon: { float: getFloat(ln, 'epsilon', 1e-5) } },
    });
    replaceNodes(graph, [add, ln], [node]);
    fused++;
  }
  return fused;
}
