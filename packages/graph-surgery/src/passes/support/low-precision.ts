/**
 * The conversion the native 16-bit passes share (`convertToFloat16`, `convertToBfloat16`): every FLOAT
 * initializer, Constant, Cast target, float-hard-coding attribute, value_info and graph I/O takes the target
 * type, in the main graph and in If/Loop/Scan bodies alike; blocked nodes and nodes whose op has no form in the
 * target type stay FLOAT behind Casts. What differs per type is a `LowPrecisionTarget`.
 */
import { ToolkitError } from '@tamkit/common';
import { getInt, setAttribute } from '../../graph/attributes.js';
import { cloneMessage } from '../../graph/clone.js';
import { Graph, namesIn, subgraphsOf } from '../../graph/graph.js';
import { elemTypeOf, innerTensorType, opSchema } from '../../onnx/op-schemas.js';
import { dataTypeName } from '../../onnx/tensor-data.js';
import { DataType, type GraphProto, type ModelProto, type NodeProto, type TensorProto } from '../../onnx/types.js';
import { castNode, computeRegionInFloat32, LOW_LABEL, removeCancellingCasts, syncValueInfoTypes } from './casts.js';
import { inferElemTypes } from './elem-types.js';
import { constantFloatTensor, type DtypeFix, fixFloat32Attribute, setConstantValue } from './fp16-values.js';
import type { LowFloatType } from './half-arrays.js';
import { requireGraph, resolveNodeNames } from './model-checks.js';
import { lowPrecisionFit, nonTensorValues, type PrecisionFit, schemaTypeViolations } from './op-precision.js';
import { knownFailuresOf } from './stack-failures.js';
import { checkSubgraphTypes, defaultOpset, inferModelElemTypes } from './subgraph-types.js';

/** What one 16-bit float type needs from the shared conversion (which ops allow it comes from the ONNX schemas). */
export interface LowPrecisionTarget {
  type: LowFloatType;
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
  /**
   * Convert the ops a stack is known to fail on in this type (stack-failures.ts: e.g. an FP16 cubic Resize on
   * WebGPU) instead of keeping them FLOAT (default false: kept, and listed in `keptForStacks`).
   */
  convertAll?: boolean;
}

/** A node kept FLOAT because a stack is known to fail on it in the target type. */
export interface KeptForStack {
  node: string;
  op: string;
  /** `stack: what fails`, one per known failure. */
  failures: string[];
}

/** What the shared conversion did. */
export interface LowPrecisionReport {
  initializersConverted: number;
  constantsConverted: number;
  /** Cast nodes whose `to` went from FLOAT to the target type. */
  castsRetargeted: number;
  dtypeFixes: DtypeFix[];
  /** Nodes kept FLOAT because their op's ONNX schema allows no target type there at the model's opset. */
  floatOnlyNodes: string[];
  /** Why each of `floatOnlyNodes` stays FLOAT (e.g. "Celu-12 allows no float16 for T"). */
  floatOnlyReasons: Record<string, string>;
  /** Nodes kept FLOAT because a stack is known to fail on them in the target type (not with `convertAll`). */
  keptForStacks: KeptForStack[];
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
    for (const v of [...g.input, ...g.output]) add(elemTypeOf(v.type));
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
  checkCastOpset(opset, target.type);
  const everyNode = allNodes(proto);
  const blocked = new Set<NodeProto>(
    resolveNodeNames({ nodes: everyNode }, options.blockNodes ?? [], `${label} --fp32-nodes`),
  );
  const blockOps = new Set(options.blockOps ?? []);
  for (const n of everyNode) if (blockOps.has(n.opType ?? '')) blocked.add(n);
  const userBlocked = blocked.size;
  // Per node, from its schema at the model's opset: which FLOAT tensors may take the target type.
  const before = inferModelElemTypes(proto, undefined, undefined, opset);
  const typeOf = (t: string) => before.get(t);
  const nonTensor = nonTensorValues(proto, opset);
  const fits = new Map<NodeProto, PrecisionFit>();
  const floatOnly: NodeProto[] = [];
  const floatOnlyReasons: Record<string, string> = {};
  const candidates = allNodes(proto, blocked).filter((n) => !blocked.has(n));
  for (const n of candidates) {
    const fit = lowPrecisionFit(n, opset, typeOf, target.type, (v) => nonTensor.has(v));
    fits.set(n, fit);
    if (!fit.keepFloat) continue;
    floatOnly.push(n);
    floatOnlyReasons[n.name || n.opType || ''] = fit.reason ?? '';
  }
  for (const n of floatOnly) blocked.add(n);
  const keptForStacks: KeptForStack[] = [];
  if (!options.convertAll) {
    const touchesFloat = (n: NodeProto) => [...n.input, ...n.output].some((t) => typeOf(t) === DataType.FLOAT);
    for (const n of candidates) {
      const failures = blocked.has(n) || !touchesFloat(n) ? [] : knownFailuresOf(n, target.type, typeOf, opset);
      if (failures.length === 0) continue;
      blocked.add(n);
      keptForStacks.push({
        node: n.name || n.opType || '',
        op: n.opType ?? '',
        failures: failures.map((f) => `${f.stack}${f.condition ? ` (${f.condition})` : ''}: ${f.detail}`),
      });
    }
  }
  refuseNonTensorBoundaries(nonTensor, blocked, fits, typeOf, target.type, allNodes(proto));
  const report: LowPrecisionReport = {
    initializersConverted: 0,
    constantsConverted: 0,
    castsRetargeted: 0,
    dtypeFixes: [],
    floatOnlyNodes: floatOnly.map((n) => n.name || n.opType || ''),
    floatOnlyReasons,
    keptForStacks,
    ioConverted: [],
    blockedNodes: userBlocked,
    castsInserted: 0,
    castsRemoved: 0,
    subgraphsConverted: 0,
  };
  const notes: unknown[] = [];
  const pinned = (n: NodeProto, i: number) => fits.get(n)?.floatInputs.has(i) ?? false;
  retypeGraph(proto, true, { target, blocked, pinned, report, notes });
  convertGraphIo(new Graph(proto), options.keepIoTypes ?? false, report, target.type);
  placeFloatRegions(model, proto, undefined, { target, blocked, pinned, report, opset });
  checkSubgraphTypes(proto, undefined, opset);
  checkSchemaTypes(proto, opset, target.type);
  return { model, report, notes };
}

/**
 * Refuses a conversion that would need a Cast on a sequence or optional value (no Cast converts one): a FLOAT
 * sequence read or written by a node that stays FLOAT, or read where its node needs a FLOAT input.
 */
function refuseNonTensorBoundaries(
  nonTensor: ReadonlySet<string>,
  blocked: ReadonlySet<NodeProto>,
  fits: ReadonlyMap<NodeProto, PrecisionFit>,
  typeOf: (tensor: string) => number | undefined,
  type: LowFloatType,
  nodes: readonly NodeProto[],
): void {
  const isFloatValue = (t: string) => nonTensor.has(t) && typeOf(t) === DataType.FLOAT;
  const label = LOW_LABEL[type];
  for (const node of nodes) {
    const pinned = fits.get(node)?.floatInputs ?? new Set<number>();
    const stuck = blocked.has(node)
      ? [...node.input, ...node.output].find(isFloatValue)
      : node.input.find((t, i) => pinned.has(i) && isFloatValue(t));
    if (stuck === undefined) continue;
    throw new ToolkitError(
      `${label.toUpperCase()}_UNSUPPORTED`,
      `${label}: ${node.opType} "${node.name ?? ''}" must compute in FLOAT, but it exchanges the sequence/optional value "${stuck}", which no Cast can convert`,
      { remedy: 'Keep the model FP32, or block the nodes that produce and read that value as well (--block-nodes).' },
    );
  }
}

/**
 * Refuses a model whose opset's Cast cannot convert between FLOAT and the target type: Cast-1..5 take the target
 * type as a string, and Cast allows bfloat16 only from opset 13. Every Cast the conversion writes would be invalid.
 */
function checkCastOpset(opset: number, type: LowFloatType): void {
  const label = LOW_LABEL[type];
  const cast = opSchema('Cast', opset);
  const ok = cast && cast.since >= 6 && cast.constraints.get('T1')?.has(type) && cast.constraints.get('T2')?.has(type);
  if (ok) return;
  throw new ToolkitError(
    `${label.toUpperCase()}_OPSET`,
    `${label}: the model imports ONNX opset ${opset}, whose Cast cannot convert FLOAT to ${dataTypeName(type)}, so the Casts the conversion needs would be invalid`,
    {
      remedy: `Upgrade the model to opset ${type === DataType.BFLOAT16 ? 13 : 6} or later (e.g. onnx.version_converter), then convert that.`,
    },
  );
}

/**
 * Refuses the result if a node reads or writes a 16-bit float where its schema does not allow it: a case the
 * conversion does not handle, reported with the node to keep FLOAT rather than written as a model that no runtime
 * would load.
 */
function checkSchemaTypes(
  graph: GraphProto,
  opset: number,
  type: LowFloatType,
  outer?: ReadonlyMap<string, number>,
): void {
  const types = inferElemTypes(graph, new Graph(graph).topologicalOrder(), outer, opset);
  for (const node of graph.node) {
    const typeOf = (t: string) => types.get(t);
    const touchesLow = [...node.input, ...node.output].some((t) => typeOf(t) === type);
    const problems = touchesLow ? schemaTypeViolations(node, opset, typeOf) : [];
    if (problems.length > 0) {
      const label = LOW_LABEL[type];
      throw new ToolkitError(
        `${label.toUpperCase()}_UNSUPPORTED`,
        `${label}: the converted graph breaks the ONNX schema: ${problems[0]}`,
        { remedy: `Keep the node in FP32 (--block-nodes "${node.name ?? ''}"), or --block-ops ${node.opType}.` },
      );
    }
    for (const sub of subgraphsOf(node)) checkSchemaTypes(sub, opset, type, types);
  }
}

interface RetypeContext {
  target: LowPrecisionTarget;
  blocked: ReadonlySet<NodeProto>;
  /** Inputs that stay FLOAT although their node converts (from the node's schema). */
  pinned: (node: NodeProto, input: number) => boolean;
  report: LowPrecisionReport;
  notes: unknown[];
}

/** Stored values, Casts, attributes and subgraph I/O of one graph and its (non-blocked) subgraphs. */
function retypeGraph(proto: GraphProto, top: boolean, ctx: RetypeContext): void {
  const graph = new Graph(proto);
  const { target, blocked, pinned, report } = ctx;
  // A stored value stays FLOAT when only blocked nodes or pinned (float-only) inputs read it.
  const needsLow = (tensor: string) => {
    const readers = graph.consumersOf(tensor);
    if (readers.length === 0 || graph.isGraphOutput(tensor)) return true;
    return readers.some(
      (r) =>
        !blocked.has(r) && (!r.input.includes(tensor) || r.input.some((name, i) => name === tensor && !pinned(r, i))),
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
    const t = innerTensorType(v.type);
    if (t?.elemType === DataType.FLOAT) t.elemType = target.type;
  }
}

interface RegionContext {
  target: LowPrecisionTarget;
  blocked: ReadonlySet<NodeProto>;
  pinned: (node: NodeProto, input: number) => boolean;
  report: LowPrecisionReport;
  opset: number;
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
  const { target, blocked, pinned, report, opset } = ctx;
  // A body's new names must not shadow names anywhere else in the model.
  const graph = new Graph(proto, outerTypes ? namesIn(model.graph!) : []);
  const region = new Set(proto.node.filter((n) => blocked.has(n)));
  const scope = { low: target.type, opset, ...(outerTypes ? { outerTypes } : {}) };
  const casts = computeRegionInFloat32(graph, region, pinned, 'all', scope);
  report.castsInserted += casts.castsIn + casts.castsOut;
  report.castsRemoved += removeCancellingCasts(graph, outerTypes, opset);
  const types = inferElemTypes(proto, graph.topologicalOrder(), outerTypes, opset);
  for (const v of proto.valueInfo) {
    const t = innerTensorType(v.type);
    if (t && t.elemType === DataType.FLOAT && !types.has(v.name ?? '')) t.elemType = target.type;
  }
  syncValueInfoTypes(proto, types);
  for (const node of proto.node) {
    if (blocked.has(node)) continue;
    for (const sub of subgraphsOf(node)) placeFloatRegions(model, sub, types, ctx);
  }
}

/**
 * FLOAT graph inputs/outputs take `type`, or keep FLOAT behind boundary Casts when `keep`. A graph input that names
 * an initializer (IR < 4 models list them among the inputs) takes the type its initializer now has.
 */
function convertGraphIo(graph: Graph, keep: boolean, report: LowPrecisionReport, type: LowFloatType): void {
  const proto = graph.proto;
  const label = LOW_LABEL[type];
  const initializers = new Map(proto.initializer.map((t) => [t.name ?? '', t]));
  const refuseNonTensor = (name: string) => {
    throw new ToolkitError(
      `${label.toUpperCase()}_KEEP_IO`,
      `${label} --keep-io-types: graph input/output "${name}" is a sequence or optional value, which a Cast cannot convert`,
      { remedy: 'Convert without --keep-io-types (its elements take the 16-bit type).' },
    );
  };
  for (const v of proto.input) {
    const t = innerTensorType(v.type);
    const name = v.name ?? '';
    if (t?.elemType !== DataType.FLOAT) continue;
    const stored = initializers.get(name);
    if (stored) {
      t.elemType = stored.dataType;
      continue;
    }
    report.ioConverted.push(name);
    if (!keep) {
      t.elemType = type;
      continue;
    }
    if (!v.type?.tensorType) refuseNonTensor(name);
    const low = graph.uniqueName(`${name}_${label}`);
    graph.replaceAllUses(name, low, { keepOutputs: true });
    proto.node.unshift(castNode(graph, name, low, type, `cast_to_${label}`));
    graph.invalidate();
  }
  for (const v of proto.output) {
    const t = innerTensorType(v.type);
    const name = v.name ?? '';
    if (t?.elemType !== DataType.FLOAT) continue;
    const stored = initializers.get(name);
    if (stored && !graph.producerOf(name)) {
      t.elemType = stored.dataType;
      continue;
    }
    report.ioConverted.push(name);
    if (!keep) {
      t.elemType = type;
      continue;
    }
    if (!v.type?.tensorType) refuseNonTensor(name);
    const producer = graph.producerOf(name);
    if (!producer) continue;
    const low = graph.uniqueName(`${name}_${label}`);
    graph.replaceAllUses(name, low, { keepOutputs: true });
    producer.output = producer.output.map((o) => (o === name ? low : o));
    proto.node.push(castNode(graph, low, name, DataType.FLOAT, 'cast_to_fp32'));
    graph.invalidate();
  }
}
