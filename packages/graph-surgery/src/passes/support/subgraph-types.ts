/**
 * Element types across If/Loop/Scan bodies: inference over a whole model (each body seeing the types of the
 * scopes around it), and the check that what a body declares matches what flows in and out of its node.
 */
import { ToolkitError } from '@tamkit/common';
import { getAttribute } from '../../graph/attributes.js';
import { Graph, subgraphsOf } from '../../graph/graph.js';
import { elemTypeOf } from '../../onnx/op-schemas.js';
import { DataType, type GraphProto, type ModelProto, type NodeProto, type TypeProto } from '../../onnx/types.js';
import { inferElemTypes } from './elem-types.js';

/** The version of the default ONNX domain the model imports (0 when it imports none). */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  return Number(entry?.version ?? 0);
}

/** Element types of every tensor of the model, subgraph tensors included (ONNX names are unique model-wide). */
export function inferModelElemTypes(
  graph: GraphProto,
  outerTypes?: ReadonlyMap<string, number>,
  into = new Map<string, number>(),
  opset?: number,
): Map<string, number> {
  const types = inferElemTypes(graph, new Graph(graph).topologicalOrder(), outerTypes, opset);
  for (const [name, t] of types) into.set(name, t);
  for (const n of graph.node) for (const sub of subgraphsOf(n)) inferModelElemTypes(sub, types, into, opset);
  return into;
}

const declaredType = (v: { type?: TypeProto } | undefined) => elemTypeOf(v?.type);

const typeName = (t: number | undefined) =>
  t === undefined ? 'unknown' : (Object.entries(DataType).find(([, v]) => v === t)?.[0] ?? String(t));

/** Pairs of types that must agree for one control-flow node, each with what it describes. */
function requiredAgreements(
  node: NodeProto,
  typeOf: (name: string) => number | undefined,
): [string, number | undefined, string, number | undefined][] {
  const pairs: [string, number | undefined, string, number | undefined][] = [];
  if (node.opType === 'If') {
    const then = getAttribute(node, 'then_branch')?.g;
    const other = getAttribute(node, 'else_branch')?.g;
    then?.output.forEach((o, k) => {
      const e = other?.output[k];
      pairs.push([
        `then_branch output "${o.name}"`,
        declaredType(o),
        `else_branch output "${e?.name}"`,
        declaredType(e),
      ]);
    });
    return pairs;
  }
  const body = getAttribute(node, 'body')?.g;
  // SequenceMap's body maps elements to elements: nothing is carried from one iteration to the next.
  if (!body || (node.opType !== 'Loop' && node.opType !== 'Scan')) return pairs;
  // Loop: inputs (M, cond, carried...), body inputs (iteration, cond, carried...), body outputs (cond, carried..., scans).
  // Scan: inputs (states..., scan inputs...), body inputs in the same order, body outputs (states..., scans...).
  const isLoop = node.opType === 'Loop';
  const first = isLoop ? 2 : 0;
  const mirrored = isLoop ? node.input.length - 2 : body.input.length;
  const carried = isLoop ? mirrored : body.input.length - Number(getAttribute(node, 'num_scan_inputs')?.i ?? 0);
  for (let k = 0; k < mirrored; k++) {
    const outer = node.input[first + k] ?? '';
    const inner = body.input[first + k];
    if (outer) pairs.push([`input "${outer}"`, typeOf(outer), `body input "${inner?.name}"`, declaredType(inner)]);
  }
  for (let k = 0; k < carried; k++) {
    const inner = body.input[first + k];
    const out = body.output[(isLoop ? 1 : 0) + k];
    pairs.push([`body input "${inner?.name}"`, declaredType(inner), `body output "${out?.name}"`, declaredType(out)]);
  }
  return pairs;
}

/**
 * Throws SUBGRAPH_TYPES, naming the node, where an If's branches disagree, a Loop/Scan body's inputs differ from
 * the values carried in, a body's carried outputs differ from its inputs, or a body computes an output of another
 * type than it declares.
 */
export function checkSubgraphTypes(graph: GraphProto, outerTypes?: ReadonlyMap<string, number>, opset?: number): void {
  const types = inferElemTypes(graph, new Graph(graph).topologicalOrder(), outerTypes, opset);
  const typeOf = (name: string) => types.get(name);
  for (const node of graph.node) {
    const subs = subgraphsOf(node);
    if (subs.length === 0) continue;
    const fail = (detail: string) => {
      throw new ToolkitError(
        'SUBGRAPH_TYPES',
        `${node.opType} "${node.name ?? ''}": ${detail}, so its subgraph's types do not follow the converted graph`,
        { remedy: `Keep the node in FP32 (--fp32-nodes "${node.name ?? ''}") or fix the subgraph's declared types.` },
      );
    };
    for (const [a, ta, b, tb] of requiredAgreements(node, typeOf)) {
      if (ta !== undefined && tb !== undefined && ta !== tb)
        fail(`${a} is ${typeName(ta)} but ${b} is ${typeName(tb)}`);
    }
    for (const sub of subs) {
      const inner = inferElemTypes(sub, new Graph(sub).topologicalOrder(), types, opset);
      for (const o of sub.output) {
        const computed = inner.get(o.name ?? '');
        const declared = declaredType(o);
        if (computed !== undefined && declared !== undefined && computed !== declared) {
          fail(`body output "${o.name}" is computed as ${typeName(computed)} but declared ${typeName(declared)}`);
        }
      }
      checkSubgraphTypes(sub, types, opset);
    }
  }
}
