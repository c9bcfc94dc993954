/**
 * GELU as exporters write it at opset 17 (no Gelu op there): x * 0.5 * (1 + erf(x / sqrt 2)), as
 * Div(x, 1.414) | Mul(x, 0.707) -> Erf -> Add(1) -> Mul(x) -> Mul(0.5), or with the 0.5 applied to x first.
 * `fuseGelu` makes each one ONNX Runtime's com.microsoft Gelu (one kernel instead of five) or, approximately,
 * FastGelu (tanh form, ~1e-3 off); `fuseBiasGelu` folds a bias Add in front of a fused GELU into BiasGelu
 * (FastGelu takes the bias as its second input).
 */
import { makeNode } from '../../graph/build.js';
import type { Graph } from '../../graph/graph.js';
import type { NodeProto } from '../../onnx/types.js';
import {
  fusedName,
  isMsOp,
  isOnnxOp,
  MS_DOMAIN,
  near,
  onlyReadBy,
  otherInput,
  replaceNodes,
  storedDims,
  storedScalar,
} from './common.js';

/** A matched exact GELU: its input, its output, and the five nodes it replaces. */
interface GeluMatch {
  x: string;
  output: string;
  nodes: NodeProto[];
  erf: NodeProto;
}

function single(graph: Graph, tensor: string, op: string): NodeProto | undefined {
  const readers = graph.consumersOf(tensor);
  return readers.length === 1 && isOnnxOp(readers[0], op) && !graph.isGraphOutput(tensor) ? readers[0] : undefined;
}

function matchGelu(graph: Graph, erf: NodeProto): GeluMatch | undefined {
  const scaled = erf.input[0] ?? '';
  const scale = graph.producerOf(scaled);
  let x: string | undefined;
  if (isOnnxOp(scale, 'Div') && near(storedScalar(graph, scale.input[1] ?? ''), Math.SQRT2)) x = scale.input[0];
  else if (isOnnxOp(scale, 'Mul')) {
    const [a = '', b = ''] = scale.input;
    if (near(storedScalar(graph, b), Math.SQRT1_2)) x = a;
    else if (near(storedScalar(graph, a), Math.SQRT1_2)) x = b;
  }
  if (!x || !scale || !onlyReadBy(graph, scaled, [erf])) return undefined;
  const add = single(graph, erf.output[0] ?? '', 'Add');
  if (!add || !near(storedScalar(graph, otherInput(add, erf.output[0] ?? '') ?? ''), 1)) return undefined;
  const onePlus = add.output[0] ?? '';
  const mul = single(graph, onePlus, 'Mul');
  if (!mul) return undefined;
  const other = otherInput(mul, onePlus) ?? '';
  // (x * (1 + erf)) * 0.5
  if (other === x) {
    const half = single(graph, mul.output[0] ?? '', 'Mul');
    if (!half || !near(storedScalar(graph, otherInput(half, mul.output[0] ?? '') ?? ''), 0.5)) return undefined;
    return { x, output: half.output[0] ?? '', nodes: [scale, erf, add, mul, half], erf };
  }
  // (x * 0.5) * (1 + erf)
  const halfX = graph.producerOf(other);
  if (!isOnnxOp(halfX, 'Mul') || !onlyReadBy(graph, other, [mul])) return undefined;
  if (otherInput(halfX, x) === undefined || !near(storedScalar(graph, otherInput(halfX, x) ?? ''), 0.5))
    return undefined;
  return { x, output: mul.output[0] ?? '', nodes: [scale, erf, add, halfX, mul], erf };
}

/** Options of `fuseGelu`. */
export interface FuseGeluOptions {
  /** `exact` (default): com.microsoft Gelu, the erf form. `fast`: FastGelu, the tanh approximation (~1e-3 off). */
  form?: 'exact' | 'fast';
}

/** Fuses every exact GELU chain of the graph in place; returns how many. */
export function fuseGeluInGraph(graph: Graph, options: FuseGeluOptions = {}): number {
  const opType = options.form === 'fast' ? 'FastGelu' : 'Gelu';
  let fused = 0;
  for (const erf of graph.nodes.filter((n) => isOnnxOp(n, 'Erf'))) {
    const match = matchGelu(graph, erf);
    if (!match) continue;
    const node = makeNode({
      opType,
      domain: MS_DOMAIN,
      name: fusedName(graph, match.erf, opType),
      inputs: [match.x],
      outputs: [match.output],
    });
    replaceNodes(graph, match.nodes, [node]);
    fused++;
  }
  return fused;
}

/**
 * Folds `Add(y, bias)` in front of a fused GELU into it: Gelu -> BiasGelu(y, bias), FastGelu -> FastGelu(y, bias).
 * The bias must be stored, 1-D (broadcast over the last axis, as both ops define it), and read only there.
 */
export function fuseBiasGeluInGraph(graph: Graph): number {
  let fused = 0;
  for (const gelu of graph.nodes.filter((n) => isMsOp(n, 'Gelu', 'FastGelu') && n.input.length === 1)) {
    const input = gelu.input[0] ?? '';
    const add = graph.producerOf(input);
    if (!isOnnxOp(add, 'Add') || !onlyReadBy(graph, input, [gelu])) continue;
    const [a = '', b = ''] = add.input;
    const bias = storedDims(graph, b)?.length === 1 ? b : storedDims(graph, a)?.length === 1 ? a : undefined;
    const y = bias === b ? a : b;
    if (bias === undefined || storedDims(graph, y) !== undefined) continue;
    const bias2 = gelu.opType === 'Gelu';
    const node = makeNode({
      opType: bias2 ? 'BiasGelu' : 'FastGelu',
      domain: MS_DOMAIN,
      name: fusedName(graph, gelu, bias2 ? 'BiasGelu' : 'FastGelu'),
      inputs: [y, bias],
      outputs: [gelu.output[0] ?? ''],
    });
    replaceNodes(graph, [add, gelu], [node]);
    fused++;
  }
  return fused;
}
