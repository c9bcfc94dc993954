/**
 * Cast plumbing shared by the precision passes: running a set of nodes in FLOAT inside an FP16 or BF16 graph,
 * and removing Cast pairs that cancel.
 */
import { makeNode } from '../../graph/build.js';
import { type Graph, outerReferences, renameOuterReads, subgraphsOf } from '../../graph/graph.js';
import { elemTypeOf, innerTensorType } from '../../onnx/op-schemas.js';
import { makeTensor, readFloatValues } from '../../onnx/tensor-data.js';
import { DataType, type GraphProto, type NodeProto } from '../../onnx/types.js';
import { inferElemTypes, outputTypesOf } from './elem-types.js';
import type { LowFloatType } from './half-arrays.js';

/** A Cast node `input -> output` (to `to`), named after the tensor it converts. */
export function castNode(graph: Graph, input: string, output: string, to: number, label: string): NodeProto {
  return makeNode({
    opType: 'Cast',
    name: graph.uniqueName(`${input}/${label}`),
    inputs: [input],
    outputs: [output],
    attributes: { to },
  });
}

export interface RegionCasts {
  /** Casts FLOAT16/BFLOAT16 -> FLOAT added in front of region nodes (and pinned inputs). */
  castsIn: number;
  /** Casts FLOAT -> FLOAT16/BFLOAT16 added where region results leave the region. */
  castsOut: number;
}

/** Where a region lives: the graph's 16-bit float type and, for a subgraph, the types of the scopes around it. */
export interface RegionScope {
  /** The graph's reduced float type (default: BFLOAT16 when the graph holds BFLOAT16 and no FLOAT16, else FLOAT16). */
  low?: LowFloatType;
  /** Element types of the enclosing-scope tensors a subgraph reads (default none: a top-level graph). */
  outerTypes?: ReadonlyMap<string, number>;
  /** The model's default-domain opset, for the op schemas that type node outputs (default: the newest known). */
  opset?: number;
}

/** Short names of the 16-bit float types, used in the names of inserted Casts and in messages. */
export const LOW_LABEL: Record<LowFloatType, 'fp16' | 'bf16'> = {
  [DataType.FLOAT16]: 'fp16',
  [DataType.BFLOAT16]: 'bf16',
};

/** The 16-bit float type a set of tensor types uses: BFLOAT16 when only it is present, else FLOAT16. */
export function lowTypeOf(types: Iterable<number>): LowFloatType {
  const present = new Set(types);
  return present.has(DataType.BFLOAT16) && !present.has(DataType.FLOAT16) ? DataType.BFLOAT16 : DataType.FLOAT16;
}

/**
 * Makes the `region` nodes compute in FLOAT inside a graph whose floats are 16-bit (FLOAT16 or BFLOAT16): their
 * 16-bit inputs get one Cast up per tensor, their outputs become FLOAT (by each op's typing rule), and every
 * reader outside the region (graph outputs included, names kept) gets a Cast back. What If/Loop/Scan bodies
 * read from this graph is cast the same way, by the node that holds the body. `pinned(node, i)` marks inputs
 * that the op spec requires to be FLOAT whatever the node's precision (Resize scales): they are cast up too.
 * Readers outside the region get a Cast down where a tensor turned FLOAT (`expectHalf: 'changed'`, for graphs
 * that may hold FLOAT on purpose) or wherever they read FLOAT (`'all'`, right after a conversion).
 * Edits `graph` in place and leaves its node list topologically sorted.
 */
export function computeRegionInFloat32(
  graph: Graph,
  region: ReadonlySet<NodeProto>,
  pinned: (node: NodeProto, input: number) => boolean = () => false,
  expectHalf: 'changed' | 'all' = 'changed',
  scope: RegionScope = {},
): RegionCasts {
  const proto = graph.proto;
  const order = graph.topologicalOrder();
  const before = inferElemTypes(proto, order, scope.outerTypes, scope.opset);
  const low = scope.low ?? lowTypeOf(before.values());
  const label = LOW_LABEL[low];
  const after = new Map(before);
  const out: NodeProto[] = [];
  const initializers = new Map(proto.initializer.map((t) => [t.name ?? '', t]));
  const up = new Map<string, string>();
  const down = new Map<string, string>();
  const convert = (memo: Map<string, string>, tensor: string, to: number, suffix: string) => {
    let name = memo.get(tensor);
    if (name === undefined) {
      name = graph.uniqueName(`${tensor}_${suffix}`);
      const stored = initializers.get(tensor);
      // A stored weight gets a converted copy rather than a run-time Cast (ORT's LayerNorm fusion mis-types
      // Casts on its weight; engines would fold them anyway).
      if (stored) proto.initializer.push(makeTensor(name, to, stored.dims, readFloatValues(stored)));
      else out.push(castNode(graph, tensor, name, to, `cast_to_${suffix}`));
      memo.set(tensor, name);
      after.set(name, to);
    }
    return name;
  };
  /** The name a reader should read instead of `name` (or undefined to keep it). */
  const retarget = (name: string, computesFloat: boolean) => {
    const now = after.get(name);
    if (computesFloat && now === low) return convert(up, name, DataType.FLOAT, 'fp32');
    if (!computesFloat && now === DataType.FLOAT && (expectHalf === 'all' || before.get(name) === low))
      return convert(down, name, low, label);
    return undefined;
  };
  for (const node of order) {
    const inRegion = region.has(node);
    node.input.forEach((name, i) => {
      if (!name) return;
      const replacement = retarget(name, inRegion || pinned(node, i));
      if (replacement !== undefined) node.input[i] = replacement;
    });
    for (const sub of subgraphsOf(node)) {
      for (const name of outerReferences(sub)) {
        const replacement = retarget(name, inRegion);
        if (replacement !== undefined) renameOuterReads(node, name, replacement);
      }
    }
    // Outputs follow the inputs as they are now: FLOAT in the region, and after a Cast down outside it (a chain
    // fed by a region result is 16-bit again, so a later region node must cast it up).
    const types = outputTypesOf(node, (n) => after.get(n), scope.opset);
    node.output.forEach((o, k) => {
      const t = types[k];
      if (o && t !== undefined) after.set(o, t);
    });
    out.push(node);
  }
  proto.node = out;
  graph.invalidate();
  // Graph outputs keep their name and 16-bit type: the region writes a FLOAT copy, a Cast restores the name.
  for (const o of proto.output) {
    const name = o.name ?? '';
    const declared = elemTypeOf(o.type) ?? before.get(name);
    if (after.get(name) !== DataType.FLOAT || declared !== low) continue;
    const producer = graph.producerOf(name);
    if (!producer) continue;
    const wide = graph.uniqueName(`${name}_fp32`);
    graph.replaceAllUses(name, wide, { keepOutputs: true });
    producer.output = producer.output.map((t) => (t === name ? wide : t));
    after.set(wide, DataType.FLOAT);
    proto.node.push(castNode(graph, wide, name, low, `cast_to_${label}`));
    down.set(name, name);
    graph.invalidate();
  }
  syncValueInfoTypes(proto, after);
  return { castsIn: up.size, castsOut: down.size };
}

/** Sets the element type of every value_info entry whose tensor type is known in `types`. */
export function syncValueInfoTypes(graph: GraphProto, types: ReadonlyMap<string, number>): void {
  for (const v of graph.valueInfo) {
    const t = v.name ? types.get(v.name) : undefined;
    const tensor = innerTensorType(v.type);
    if (t !== undefined && tensor) tensor.elemType = t;
  }
}

/** Conversions that keep every value exactly, so converting back gives the original. */
const WIDENS: ReadonlySet<string> = new Set([
  `${DataType.FLOAT16}>${DataType.FLOAT}`,
  `${DataType.FLOAT16}>${DataType.DOUBLE}`,
  `${DataType.BFLOAT16}>${DataType.FLOAT}`,
  `${DataType.BFLOAT16}>${DataType.DOUBLE}`,
  `${DataType.FLOAT}>${DataType.DOUBLE}`,
  // Integers (shape arithmetic casts int32 <-> int64 back and forth) and booleans (0/1 survive any integer).
  `${DataType.INT8}>${DataType.INT32}`,
  `${DataType.INT16}>${DataType.INT32}`,
  `${DataType.INT32}>${DataType.INT64}`,
  `${DataType.UINT8}>${DataType.INT32}`,
  `${DataType.UINT8}>${DataType.INT64}`,
  `${DataType.BOOL}>${DataType.INT32}`,
  `${DataType.BOOL}>${DataType.INT64}`,
  `${DataType.BOOL}>${DataType.FLOAT}`,
]);

/**
 * Removes Casts that change nothing: a Cast to the type its input already has, and a lossless widening Cast
 * followed by a Cast back (`x16 -> FLOAT -> FLOAT16`). A narrowing pair (`x32 -> FLOAT16 -> FLOAT`) rounds and is
 * kept. Casts that write a graph output are kept so output names stay. `outerTypes`: as for `inferElemTypes`,
 * when `graph` is a subgraph. Returns how many Casts were bypassed.
 */
export function removeCancellingCasts(graph: Graph, outerTypes?: ReadonlyMap<string, number>, opset?: number): number {
  const proto = graph.proto;
  const types = inferElemTypes(proto, graph.topologicalOrder(), outerTypes, opset);
  let removed = 0;
  for (const cast of [...proto.node]) {
    if (cast.opType !== 'Cast' || (cast.domain ?? '') !== '') continue;
    const output = cast.output[0] ?? '';
    if (graph.isGraphOutput(output)) continue;
    const to = types.get(output);
    const input = cast.input[0] ?? '';
    let source: string | undefined;
    if (types.get(input) === to) source = input;
    else {
      const first = graph.producerOf(input);
      const origin = first?.input[0] ?? '';
      if (first?.opType === 'Cast' && types.get(origin) === to && WIDENS.has(`${to}>${types.get(input)}`)) {
        source = origin;
      }
    }
    if (source === undefined) continue;
    graph.replaceAllUses(output, source);
    removed++;
  }
  if (removed > 0) graph.cleanup();
  return removed;
}
