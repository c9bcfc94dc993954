/** Helpers the fusion passes share: stored values, single-use checks, the contrib domain, node replacement. */
import { getAttribute } from '../../graph/attributes.js';
import type { Graph } from '../../graph/graph.js';
import { inferShapes, type ShapeInferenceOptions } from '../../inspect/shape-inference.js';
import { readFloatValues, readTensorValues } from '../../onnx/tensor-data.js';
import type { ModelProto, NodeProto } from '../../onnx/types.js';
import { constantFloatTensor } from '../support/fp16-values.js';

/** ONNX Runtime's contrib operator domain (Gelu, BiasGelu, FastGelu, SkipLayerNormalization). */
export const MS_DOMAIN = 'com.microsoft';

/** True for a node of the default ONNX domain with one of these op types. */
export const isOnnxOp = (n: NodeProto | undefined, ...ops: string[]): n is NodeProto & { opType: string } =>
  n !== undefined && ((n.domain ?? '') === '' || n.domain === 'ai.onnx') && ops.includes(n.opType ?? '');

/** True for a contrib-domain node with one of these op types. */
export const isMsOp = (n: NodeProto | undefined, ...ops: string[]): n is NodeProto & { opType: string } =>
  n !== undefined && n.domain === MS_DOMAIN && ops.includes(n.opType ?? '');

/** The float values of a stored tensor (an initializer or a Constant's output); undefined for computed ones. */
export function storedFloats(graph: Graph, tensor: string): Float32Array | undefined {
  const init = graph.initializer(tensor);
  if (init) {
    try {
      return readFloatValues(init);
    } catch {
      return undefined;
    }
  }
  const producer = graph.producerOf(tensor);
  if (!isOnnxOp(producer, 'Constant')) return undefined;
  const value = constantFloatTensor(producer);
  return value === undefined ? undefined : readFloatValues(value);
}

/** The dims of a stored tensor, or undefined. */
export function storedDims(graph: Graph, tensor: string): number[] | undefined {
  const init = graph.initializer(tensor);
  if (init) return init.dims.map(Number);
  const producer = graph.producerOf(tensor);
  if (!isOnnxOp(producer, 'Constant')) return undefined;
  return constantFloatTensor(producer)?.dims.map(Number);
}

/** The single float value of a stored one-element tensor, or undefined. */
export function storedScalar(graph: Graph, tensor: string): number | undefined {
  const values = storedFloats(graph, tensor);
  return values?.length === 1 ? values[0] : undefined;
}

/** True when |a - b| is within a relative tolerance of b (exporters store constants in float32). */
export const near = (a: number | undefined, b: number, tolerance = 1e-5): boolean =>
  a !== undefined && Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));

/** The other input of a binary node than `tensor` (undefined when both are `tensor` or it is not read). */
export function otherInput(node: NodeProto, tensor: string): string | undefined {
  const [a, b] = node.input;
  if (a === tensor && b !== tensor) return b;
  if (b === tensor && a !== tensor) return a;
  return undefined;
}

/** True when `tensor` is read by exactly `readers` (no other node, no graph output): fusing it away is safe. */
export function onlyReadBy(graph: Graph, tensor: string, readers: readonly NodeProto[]): boolean {
  if (graph.isGraphOutput(tensor)) return false;
  const actual = graph.consumersOf(tensor);
  return actual.length === readers.length && actual.every((r) => readers.includes(r));
}

/** The integer axes a Reduce* node reduces over: its `axes` attribute, or (opset 18+) its stored second input. */
export function reduceAxes(graph: Graph, node: NodeProto): number[] | undefined {
  const attr = getAttribute(node, 'axes');
  if (attr) return attr.ints.map(Number);
  const input = node.input[1];
  if (!input) return undefined;
  const init = graph.initializer(input);
  if (init) return Array.from(readTensorValues(init) as ArrayLike<number | bigint>, Number);
  const producer = graph.producerOf(input);
  const value = isOnnxOp(producer, 'Constant') ? getAttribute(producer, 'value')?.t : undefined;
  return value ? Array.from(readTensorValues(value) as ArrayLike<number | bigint>, Number) : undefined;
}

/** Adds the contrib domain to the model's opset imports when it is not there. */
export function importMsDomain(model: ModelProto): void {
  if (!model.opsetImport.some((o) => o.domain === MS_DOMAIN)) model.opsetImport.push({ domain: MS_DOMAIN, version: 1 });
}

/** Swaps `old` nodes for `replacements` (placed where the first old node was), then re-sorts the graph. */
export function replaceNodes(graph: Graph, old: readonly NodeProto[], replacements: readonly NodeProto[]): void {
  const nodes = graph.proto.node;
  const at = Math.min(...old.map((n) => nodes.indexOf(n)));
  const gone = new Set(old);
  graph.proto.node = [
    ...nodes.slice(0, at).filter((n) => !gone.has(n)),
    ...replacements,
    ...nodes.slice(at).filter((n) => !gone.has(n)),
  ];
  graph.invalidate();
  graph.sortTopologically();
}

/** A node name for a fused node, from the scope of the node it replaces (`/blocks.0/mlp/act/Erf` -> `.../act/Gelu`). */
export function fusedName(graph: Graph, from: NodeProto, opType: string): string {
  const name = from.name ?? '';
  const scope = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
  return graph.uniqueName(`${scope}/${opType}`);
}

/** Bound dims and input values for static shape inference (`inspect --dim/--value`). */
export type ShapeHints = Pick<ShapeInferenceOptions, 'dims' | 'inputValues'>;

/**
 * Shapes as far as static inference gets them, twice, with unbound dims set to two different values: a dim that
 * comes out the same in both does not depend on what a dynamic input is given, so shapes equal in both runs are
 * equal whatever the inputs (where a single run with dims of 1 would take broadcasting for equality).
 */
export function robustShapes(graph: Graph, hints: ShapeHints = {}): (tensor: string) => number[] | undefined {
  const a = inferShapes(graph.proto, { ...hints, defaultDim: 7 }).facts;
  const b = inferShapes(graph.proto, { ...hints, defaultDim: 11 }).facts;
  return (tensor) => {
    const sa = a.get(tensor)?.shape;
    const sb = b.get(tensor)?.shape;
    if (!sa || !sb || sa.length !== sb.length) return undefined;
    return sa.map((d, i) => (d === sb[i] ? d : -1));
  };
}
