/**
 * The conversion the native 16-bit passes share (`convertToFloat16`, `convertToBfloat16`): every FLOAT
 * initializer, Constant, Cast target, float-hard-coding attribute, value_info and graph I/O takes the target
 * type, in the main graph and in If/Loop/Scan bodies alike; blocked nodes and nodes whose op has no form in the
 * target type stay FLOAT behind Casts. What differs per type is a `LowPrecisionTarget`.
 */
import { ToolkitError } from '../errors.js';
import { getInt, setAttribute } from '../graph/attributes.js';
import { cloneMessage } from '../graph/clone.js';
import { Graph, namesIn, subgraphsOf } from '../graph/graph.js';
import { DataType, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../onnx/types.js';
import { castNode, computeRegionInFloat32, LOW_LABEL, removeCancellingCasts, syncValueInfoTypes } from './casts.js';
import { inferElemTypes } from './elem-types.js';
import { constantFloatTensor, type DtypeFix, fixFloat32Attribute, setConstantValue } from './fp16-values.js';
import type { LowFloatType } from './half-arrays.js';
import { requireGraph, resolveNodeNames } from './model-checks.js';
import { checkSubgraphTypes, defaultOpset, inferModelElemTypes } from './subgraph-types.js';

/** What one 16-bit float type needs from the shared conversion. */
export interface LowPrecisionTarget {
  type: LowFloatType;
  /** True when `node`'s op has no form in this type at `opset`: it stays FLOAT behind Casts. */
  keepsFloat(node: NodeProto, opset: number): boolean;
  /** True when input `i` of `node` must stay FLOAT whatever the node's precision (Resize scales). */
  pinnedInput(node: NodeProto, i: number): boolean;
  /** A FLOAT tensor stored in this type (`note` is handed back to the caller's report, e.g. FP16 overflow). */
  convertTensor(tensor: TensorProto): { tensor: TensorProto; note?: unknown };
}

/** The options both 16-bit passes take. */
export interface LowPrecisionOptions {
  /** Keep FLOAT graph inputs and outputs, converting at the boundary with Casts (default false: I/O convert). */
  keepIoTypes?: boolean;
  /** Op types whose nodes stay in FLOAT, with Casts around them (default none). */
  blockOps?: readonly string[];
  /** Names of nodes (subgraph nodes included) that stay in FLOAT, with Casts around them (default none; unknown names are an error). */
  blockNodes?: readonly string[];
}

/** What the shared conversion did. */
export interface LowPrecisionReport {
  initializersConverted: number;
  constantsConverted: number;
  /** Cast nodes whose `to` went from FLOAT to the target type. */
  castsRetargeted: number;
  dtypeFixes: DtypeFix[];
  /** Nodes kept FLOAT because their op has no form in the target type at the model's opset. */
  floatOnlyNodes: string[];
  /** Graph inputs and outputs whose type changed (or got boundary Casts with `keepIoTypes`). */
  ioConverted: string[];
  blockedNodes: number;
  castsInserted: number;
  castsRemoved: number;
  /** If branches and Loop/Scan bodies converted with the main graph (bodies of FLOAT nodes stay FLOAT). */
  subgraphsConverted: number;
}

/** Every node of the model, subgraph nodes included (bodies of nodes in `skip` left out). */
function allNodes(graph: GraphProto, skip: ReadonlySet<NodeProto> = new Set()): NodeProto[] {
  const out: NodeProto[] = [];
  for (const n of graph.node) {
    out.push(n);
    if (!skip.has(n)) for (const sub of subgraphsOf(n)) out.push(...allNodes(sub, skip));
  }
  return out;
}

function countStorage(graph: GraphProto, type: number): { float: number; low: number; other: number } {
  const count = { float: 0, low: 0, other: 0 };
  const add = (t: number | undefined) => {
    if (t === DataType.FLOAT) count.float++;
    else if (t === type) count.low++;
    else if (t === DataType.FLOAT16 || t === DataType.BFLOAT16) count.other++;
  };
  const visit = (g: GraphProto) => {
    for (const t of g.initializer) add(t.dataType);
    for (const v of [...g.input, ...g.output]) add(v.type?.tensorType?.elemType);
    for (const n of g.node) {
      if (n.opType === 'Constant') add(n.attribute.find((a) => a.name === 'value')?.t?.dataType);
      subgraphsOf(n).forEach(visit);
    }
  };
  visit(graph);
  return count;
}

/**
 * Refuses a model that already holds 16-bit floats (stored values or graph I/O of FLOAT16 or BFLOAT16, subgraphs
 * included): converting it again would mix FP16 and BF16 or convert what was kept FP32 on purpose (`--keep-io-types`
 * I/O, blocked nodes, FP32 islands). Also refuses a model with nothing FLOAT to convert.
 */
function refuseUnconvertible(graph: GraphProto, type: LowFloatType): void {
  const label = LOW_LABEL[type];
  const code = label.toUpperCase();
  const storage = countStorage(graph, type);
  if (storage.low > 0 || storage.other > 0) {
    const held = [
      storage.low > 0 ? `${storage.low} ${label.toUpperCase()}` : '',
      storage.other > 0 ? `${storage.other} ${label === 'fp16' ? 'BF16' : 'FP16'}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    throw new ToolkitError(
      `${code}_ALREADY`,
      `${label}: the model is already converted: it holds ${held} initializers, constants or graph inputs/outputs`,
      { remedy: `Convert the FP32 original instead (what was kept FP32 stays so in the ${label.toUpperCase()} file).` },
    );
  }
  if (storage.float > 0) return;
  throw new ToolkitError(`${code}_NOT_FLOAT`, `${label}: the model holds no FLOAT tensors to convert`, {
    remedy: `${label.toUpperCase()} conversion applies to FP32 float models.`,
  });
}

/** Converts an FP32 model to the target's 16-bit type (the input model is not changed). */
export function convertFloatPrecision(
  input: ModelProto,
  options: LowPrecisionOptions,
  target: LowPrecisionTarget,
): { model: ModelProto; report: LowPrecisionReport; notes: unknown[] } {
  const label = LOW_LABEL[target.type];
  const model = cloneMessage(input);
  const proto = requireGraph(model, label);
  refuseUnconvertible(proto, target.type);
  const opset = defaultOpset(model);
  const everyNode = allNodes(proto);
  const blocked = new Set<NodeProto>(
    resolveNodeNames({ nodes: everyNode }, options.blockNodes ?? [], `${label} --block-nodes`),
  );
  const blockOps = new Set(options.blockOps ?? []);
  for (const n of everyNode) if (blockOps.has(n.opType ?? '')) blocked.add(n);
  const userBlocked = blocked.size;
  // Ops without a form in the target type matter only where they touch a float tensor (an integer Range is fine).
  const before = inferModelElemTypes(proto);
  const touchesFloat = (n: NodeProto) =>
    [...n.input, ...n.output].some((t) => before.get(t) === DataType.FLOAT) || subgraphsOf(n).length > 0;
  const floatOnly = allNodes(proto, blocked).filter(
    (n) => (n.domain ?? '') === '' && !blocked.has(n) && target.keepsFloat(n, opset) && touchesFloat(n),
  );
  for (const n of floatOnly) blocked.add(n);
  const report: LowPrecisionReport = {
    initializersConverted: 0,
    constantsConverted: 0,
    castsRetargeted: 0,
    dtypeFixes: [],
    floatOnlyNodes: floatOnly.map((n) => n.name || n.opType || ''),
    ioConverted: [],
    blockedNodes: userBlocked,
    castsInserted: 0,
    castsRemoved: 0,
    subgraphsConverted: 0,
  };
  const notes: unknown[] = [];
  retypeGraph(proto, true, { target, blocked, report, notes });
  convertGraphIo(new Graph(proto), options.keepIoTypes ?? false, report, target.type);
  placeFloatRegions(model, proto, undefined, { target, blocked, report });
  checkSubgraphTypes(proto);
  return { model, report, notes };
}

interface RetypeContext {
  target: LowPrecisionTarget;
  blocked: ReadonlySet<NodeProto>;
  report: LowPrecisionReport;
  notes: unknown[];
}

/** Stored values, Casts, attributes and subgraph I/O of one graph and its (non-blocked) subgraphs. */
function retypeGraph(proto: GraphProto, top: boolean, ctx: RetypeContext): void {
  const graph = new Graph(proto);
  const { target, blocked, report } = ctx;
  // A stored value stays FLOAT when only blocked nodes or pinned (float-only) inputs read it.
  const needsLow = (tensor: string) => {
    const readers = graph.consumersOf(tensor);
    if (readers.length === 0 || graph.isGraphOutput(tensor)) return true;
    return readers.some(
      (r) =>
        !blocked.has(r) &&
        (!r.input.includes(tensor) || r.input.some((name, i) => name === tensor && !target.pinnedInput(r, i))),
    );
  };
  const convert = (tensor: TensorProto) => {
    const converted = target.convertTensor(tensor);
    if (converted.note !== undefined) ctx.notes.push(converted.note);
    return converted.tensor;
  };
  proto.initializer = proto.initializer.map((t) => {
    if (t.dataType !== DataType.FLOAT || !needsLow(t.name ?? '')) return t;
    report.initializersConverted++;
    return convert(t);
  });
  for (const node of proto.node) {
    if (blocked.has(node)) continue;
    if (node.opType === 'Constant') {
      const value = constantFloatTensor(node);
      if (!value || !needsLow(node.output[0] ?? '')) continue;
      const converted = convert({ ...value, name: value.name || node.output[0] });
      setConstantValue(node, { ...converted, name: value.name });
      report.constantsConverted++;
    } else if (node.opType === 'Cast' && Number(getInt(node, 'to', 0)) === DataType.FLOAT) {
      setAttribute(node, 'to', target.type);
      report.castsRetargeted++;
    } else {
      const fix = fixFloat32Attribute(node, target.type);
      if (fix) report.dtypeFixes.push(fix);
    }
    for (const sub of subgraphsOf(node)) {
      retypeGraph(sub, false, ctx);
      report.subgraphsConverted++;
    }
  }
  if (top) return;
  // Body inputs and outputs follow the values carried in and out, which are converted in the outer graph.
  for (const v of [...proto.input, ...proto.output]) {
    const t = v.type?.tensorType;
    if (t?.elemType === DataType.FLOAT) t.elemType = target.type;
  }
}

interface RegionContext {
  target: LowPrecisionTarget;
  blocked: ReadonlySet<NodeProto>;
  report: LowPrecisionReport;
}

/**
 * Puts the blocked nodes of `proto` in FLOAT behind Casts, removes Cast pairs that cancel, types value_info, then
 * does the same in the bodies of its converted If/Loop/Scan nodes (with the outer types they read).
 */
function placeFloatRegions(
  model: ModelProto,
  proto: GraphProto,
  outerTypes: ReadonlyMap<string, number> | undefined,
  ctx: RegionContext,
): void {
  const { target, blocked, report } = ctx;
  // A body's new names must not shadow names anywhere else in the model.
  const graph = new Graph(proto, outerTypes ? namesIn(model.graph!) : []);
  const region = new Set(proto.node.filter((n) => blocked.has(n)));
  const scope = { low: target.type, ...(outerTypes ? { outerTypes } : {}) };
  const casts = computeRegionInFloat32(graph, region, (n, i) => target.pinnedInput(n, i), 'all', scope);
  report.castsInserted += casts.castsIn + casts.castsOut;
  report.castsRemoved += removeCancellingCasts(graph, outerTypes);
  const types = inferElemTypes(proto, graph.topologicalOrder(), outerTypes);
  for (const v of proto.valueInfo) {
    const t = v.type?.tensorType;
    if (t && t.elemType === DataType.FLOAT && !types.has(v.name ?? '')) t.elemType = target.type;
  }
  syncValueInfoTypes(proto, types);
  for (const node of proto.node) {
    if (blocked.has(node)) continue;
    for (const sub of subgraphsOf(node)) placeFloatRegions(model, sub, types, ctx);
  }
}

/** FLOAT graph inputs/outputs take `type`, or keep FLOAT behind boundary Casts when `keep`. */
function convertGraphIo(graph: Graph, keep: boolean, report: LowPrecisionReport, type: LowFloatType): void {
  const proto = graph.proto;
  const label = LOW_LABEL[type];
  const initializers = new Set(proto.initializer.map((t) => t.name));
  for (const v of proto.input) {
    const t = v.type?.tensorType;
    const name = v.name ?? '';
    if (t?.elemType !== DataType.FLOAT || initializers.has(name)) continue;
    report.ioConverted.push(name);
    if (!keep) {
      t.elemType = type;
      continue;
    }
    const low = graph.uniqueName(`${name}_${label}`);
    graph.replaceAllUses(name, low, { keepOutputs: true });
    proto.node.unshift(castNode(graph, name, low, type, `cast_to_${label}`));
    graph.invalidate();
  }
  for (const v of proto.output) {
    const t = v.type?.tensorType;
    const name = v.name ?? '';
    if (t?.elemType !== DataType.FLOAT) continue;
    report.ioConverted.push(name);
    if (!keep) {
      t.elemType = type;
      continue;
    }
    const producer = graph.producerOf(name);
    if (!producer) continue;
    const low = graph.uniqueName(`${name}_${label}`);
    graph.replaceAllUses(name, low, { keepOutputs: true });
    producer.output = producer.output.map((o) => (o === name ? low : o));
    proto.node.push(castNode(graph, low, name, DataType.FLOAT, 'cast_to_fp32'));
    graph.invalidate();
  }
}
