/**
 * Native FP16 conversion done on the graph: what `model.half()` before export would give. Every FLOAT
 * initializer, Constant, Cast target, float-hard-coding attribute, value_info and graph I/O becomes FLOAT16;
 * blocked nodes stay FLOAT behind Casts.
 */
import { ToolkitError } from '../errors.js';
import { getInt, setAttribute } from '../graph/attributes.js';
import { cloneMessage } from '../graph/clone.js';
import { Graph } from '../graph/graph.js';
import { DataType, type ModelProto, type NodeProto } from '../onnx/types.js';
import { castNode, computeRegionInFloat32, removeCancellingCasts, syncValueInfoTypes } from './casts.js';
import { inferElemTypes } from './elem-types.js';
import {
  constantFloatTensor,
  type DtypeFix,
  fixFloat32Attribute,
  type OutOfRangeValues,
  setConstantValue,
  tensorToFloat16,
} from './fp16-values.js';
import { requireGraph, resolveNodeNames } from './model-checks.js';

export interface Float16Options {
  /** Keep FLOAT graph inputs and outputs, converting at the boundary with Casts (default false: I/O become FLOAT16). */
  keepIoTypes?: boolean;
  /** Op types whose nodes stay in FLOAT, with Casts around them (default none). */
  blockOps?: readonly string[];
  /** Names of nodes that stay in FLOAT, with Casts around them (default none; unknown names are an error). */
  blockNodes?: readonly string[];
  /** Clamp initializer and Constant values beyond ±65504 to ±65504 (default false: they are reported and become ±Inf). */
  clampInitializers?: boolean;
}

export interface Float16Report {
  initializersConverted: number;
  constantsConverted: number;
  /** Cast nodes whose `to` went from FLOAT to FLOAT16. */
  castsRetargeted: number;
  dtypeFixes: DtypeFix[];
  /** Stored tensors with values outside the FP16 range (clamped only when `clampInitializers`). */
  outOfRange: OutOfRangeValues[];
  clamped: boolean;
  /** Nodes kept FLOAT because their op has no FLOAT16 form (Range, IsInf, NonMaxSuppression). */
  floatOnlyNodes: string[];
  /** Graph inputs and outputs whose type became FLOAT16 (or got boundary Casts with `keepIoTypes`). */
  ioConverted: string[];
  blockedNodes: number;
  castsInserted: number;
  castsRemoved: number;
}

/**
 * Ops with no FLOAT16 form in the ONNX spec (Range's T is float/double/int; IsInf before opset 20;
 * NonMaxSuppression's boxes): they stay FLOAT with Casts around them, as blocked nodes do.
 */
const FLOAT_ONLY_OPS: ReadonlySet<string> = new Set(['Range', 'IsInf', 'NonMaxSuppression']);

/** Inputs that the ONNX spec requires to be FLOAT whatever the data type (Resize/Upsample scales). */
const FLOAT_ONLY_INPUTS: Record<string, number> = { Resize: 2, Upsample: 1 };
export const isFloatOnlyInput = (node: NodeProto, i: number) => FLOAT_ONLY_INPUTS[node.opType ?? ''] === i;

function countFloatStorage(model: ModelProto): { float: number; half: number } {
  const g = model.graph!;
  let float = 0;
  let half = 0;
  const count = (t: number | undefined) => {
    if (t === DataType.FLOAT) float++;
    else if (t === DataType.FLOAT16) half++;
  };
  for (const t of g.initializer) count(t.dataType);
  for (const n of g.node) if (n.opType === 'Constant') count(n.attribute.find((a) => a.name === 'value')?.t?.dataType);
  for (const v of [...g.input, ...g.output]) count(v.type?.tensorType?.elemType);
  return { float, half };
}

/** Converts an FP32 model to native FP16 (the input model is not changed). */
export function convertToFloat16(
  input: ModelProto,
  options: Float16Options = {},
): { model: ModelProto; report: Float16Report } {
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'fp16');
  const storage = countFloatStorage(model);
  if (storage.float === 0) {
    const already = storage.half > 0;
    throw new ToolkitError(
      already ? 'FP16_ALREADY' : 'FP16_NOT_FLOAT',
      already
        ? `fp16: the model is already FP16 (no FLOAT initializers, constants or I/O; ${storage.half} FLOAT16 ones)`
        : 'fp16: the model holds no FLOAT tensors to convert',
      { remedy: already ? 'Convert the FP32 original instead.' : 'FP16 conversion applies to FP32 float models.' },
    );
  }
  const graph = new Graph(proto);
  const blocked = new Set<NodeProto>(resolveNodeNames(graph, options.blockNodes ?? [], 'fp16 --block-nodes'));
  const blockOps = new Set(options.blockOps ?? []);
  for (const n of proto.node) if (blockOps.has(n.opType ?? '')) blocked.add(n);
  const floatOnly = proto.node.filter(
    (n) => (n.domain ?? '') === '' && FLOAT_ONLY_OPS.has(n.opType ?? '') && !blocked.has(n),
  );
  for (const n of floatOnly) blocked.add(n);
  const clamp = options.clampInitializers ?? false;
  const report: Float16Report = {
    initializersConverted: 0,
    constantsConverted: 0,
    castsRetargeted: 0,
    dtypeFixes: [],
    outOfRange: [],
    clamped: clamp,
    floatOnlyNodes: floatOnly.map((n) => n.name ?? n.opType ?? ''),
    ioConverted: [],
    blockedNodes: blocked.size - floatOnly.length,
    castsInserted: 0,
    castsRemoved: 0,
  };
  // A stored value stays FLOAT when only blocked nodes or float-only inputs read it.
  const needsHalf = (tensor: string) => {
    const readers = graph.consumersOf(tensor);
    if (readers.length === 0 || graph.isGraphOutput(tensor)) return true;
    return readers.some(
      (r) => !blocked.has(r) && r.input.some((name, i) => name === tensor && !isFloatOnlyInput(r, i)),
    );
  };

  proto.initializer = proto.initializer.map((t) => {
    if (t.dataType !== DataType.FLOAT || !needsHalf(t.name ?? '')) return t;
    const converted = tensorToFloat16(t, clamp);
    if (converted.outOfRange) report.outOfRange.push(converted.outOfRange);
    report.initializersConverted++;
    return converted.tensor;
  });
  for (const node of proto.node) {
    if (blocked.has(node)) continue;
    if (node.opType === 'Constant') {
      const value = constantFloatTensor(node);
      if (!value || !needsHalf(node.output[0] ?? '')) continue;
      const converted = tensorToFloat16({ ...value, name: value.name || node.output[0] }, clamp);
      if (converted.outOfRange) report.outOfRange.push(converted.outOfRange);
      setConstantValue(node, { ...converted.tensor, name: value.name });
      report.constantsConverted++;
    } else if (node.opType === 'Cast' && Number(getInt(node, 'to', 0)) === DataType.FLOAT) {
      setAttribute(node, 'to', DataType.FLOAT16);
      report.castsRetargeted++;
    } else {
      const fix = fixFloat32Attribute(node);
      if (fix) report.dtypeFixes.push(fix);
    }
  }
  convertGraphIo(graph, options.keepIoTypes ?? false, report);
  const casts = computeRegionInFloat32(graph, blocked, isFloatOnlyInput, 'all');
  report.castsInserted = casts.castsIn + casts.castsOut;
  report.castsRemoved = removeCancellingCasts(graph);
  const types = inferElemTypes(proto, graph.topologicalOrder());
  for (const v of proto.valueInfo) {
    const t = v.type?.tensorType;
    if (t && t.elemType === DataType.FLOAT && !types.has(v.name ?? '')) t.elemType = DataType.FLOAT16;
  }
  syncValueInfoTypes(proto, types);
  return { model, report };
}

/** FLOAT graph inputs/outputs become FLOAT16, or keep FLOAT behind boundary Casts when `keep`. */
function convertGraphIo(graph: Graph, keep: boolean, report: Float16Report): void {
  const proto = graph.proto;
  const initializers = new Set(proto.initializer.map((t) => t.name));
  for (const v of proto.input) {
    const t = v.type?.tensorType;
    const name = v.name ?? '';
    if (t?.elemType !== DataType.FLOAT || initializers.has(name)) continue;
    report.ioConverted.push(name);
    if (!keep) {
      t.elemType = DataType.FLOAT16;
      continue;
    }
    const half = graph.uniqueName(`${name}_fp16`);
    graph.replaceAllUses(name, half, { keepOutputs: true });
    proto.node.unshift(castNode(graph, name, half, DataType.FLOAT16, 'cast_to_fp16'));
    graph.invalidate();
  }
  for (const v of proto.output) {
    const t = v.type?.tensorType;
    const name = v.name ?? '';
    if (t?.elemType !== DataType.FLOAT) continue;
    report.ioConverted.push(name);
    if (!keep) {
      t.elemType = DataType.FLOAT16;
      continue;
    }
    const producer = graph.producerOf(name);
    if (!producer) continue;
    const half = graph.uniqueName(`${name}_fp16`);
    graph.replaceAllUses(name, half, { keepOutputs: true });
    producer.output = producer.output.map((o) => (o === name ? half : o));
    proto.node.push(castNode(graph, half, name, DataType.FLOAT, 'cast_to_fp32'));
    graph.invalidate();
  }
}
