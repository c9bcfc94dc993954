/**
 * FP16 emulation: the graph stays FP32, but every float tensor is rounded as FP16 storage would round it (a
 * Cast to FLOAT16 and back after each float-producing node; overflow becomes Inf). `format: 'bf16'` emulates
 * BF16 storage the same way. Stacks that compute FP16 in
 * FP32 internally (ONNX Runtime's CPU provider) then show the failures native FP16 has on GPUs.
 */
import { ToolkitError } from '@tamkit/common';
import { getInt } from '../graph/attributes.js';
import { cloneMessage } from '../graph/clone.js';
import { Graph } from '../graph/graph.js';
import { inferShapes } from '../inspect/shape-inference.js';
import { readFloatValues } from '../onnx/tensor-data.js';
import { DataType, type ModelProto, type NodeProto } from '../onnx/types.js';
import { findAttentionScores } from '../patterns/attention.js';
import type { MixedPresetOptions } from '../patterns/mixed-preset.js';
import { scalarIntegerInputs } from '../patterns/mixed-preset.js';
import { nameUnnamedNodes, nodeNamesOfPattern } from '../patterns/select.js';
import { castNode } from './support/casts.js';
import { inferElemTypes } from './support/elem-types.js';
import { type AccumulationOptions, accumulateMatMul } from './support/fp16-accumulation.js';
import type { OutOfRangeValues } from './support/fp16-values.js';
import { roundThroughLow } from './support/half-arrays.js';
import { requireGraph } from './support/model-checks.js';
import { isFixedFloatInput } from './support/op-precision.js';
import { decomposeSoftmax } from './support/softmax-unfused.js';
import { defaultOpset } from './support/subgraph-types.js';

export interface EmulateFloat16Options {
  /** Node names or op types that compute in FP32 (their results are rounded only where they leave this set). */
  except?: readonly string[];
  /**
   * Patterns whose nodes compute in FP32, as `except` (attention-scores, attention, layernorm, softmax, mixed). A
   * pattern that matches nothing in this model is a note in the report, not an error.
   */
  exceptPatterns?: readonly string[];
  /** Options of the `mixed` preset (long-reduction threshold, bound symbolic dims). */
  preset?: MixedPresetOptions;
  /**
   * Model fused-attention kernels that skip the softmax max-subtraction: attention Softmaxes become
   * Exp -> ReduceSum -> Div with FP16 rounding after Exp, so logits above ~11.1 overflow (default false).
   */
  fusedAttention?: boolean;
  /**
   * The storage format to emulate (default 'fp16'). 'bf16' rounds to bfloat16 instead: FP32's range, 8 bits of
   * precision; a stand-in for a native BF16 graph on stacks with no BF16 kernels (ONNX Runtime's CPU provider).
   */
  format?: 'fp16' | 'bf16';
  /**
   * Model FP16 accumulation in MatMuls (default off): the reduction is summed in chunks of `chunk` products with
   * the running sum rounded to the storage format after every chunk (see `fp16-accumulation.ts`). Storage
   * emulation alone cannot see the error of long FP16 reductions. MatMuls in FP32 islands are left alone.
   */
  accumulation?: AccumulationOptions;
}

/**
 * What storage emulation cannot see, in plain words, for reports that compare emulated models (eval's fidelity
 * and bisect print it).
 */
export const EMULATION_BLIND_SPOT =
  'FP16 emulation rounds stored tensors only and sums in FP32: it cannot see FP16 accumulation error over long ' +
  "reductions. GPU FP16 kernels sum a MatMul in FP16; over memory_attention's 7232 memory tokens that put native " +
  'FP16 on WebGPU at 3.0e-2 relative L2 where emulation showed 8.8e-4. Check on the native FP16 stack, or emulate ' +
  'with --accumulate.';

export interface EmulateFloat16Report {
  /** Tensors now rounded through FP16 (node outputs and graph inputs). */
  roundedTensors: number;
  initializersRounded: number;
  /** Stored values beyond the format's range (±65504 for FP16) that became ±Inf. */
  outOfRange: OutOfRangeValues[];
  /** Nodes computing in FP32. */
  exceptedNodes: number;
  /** Attention Softmaxes replaced by the unfused, max-free form. */
  fusedSoftmaxes: number;
  /** MatMuls whose FP16 accumulation is modelled (`accumulation`), by node name. */
  accumulatedMatMuls: string[];
  /** Patterns that matched nothing in this model. */
  notes: string[];
}

/** Emulates FP16 storage in an FP32 model (the input model is not changed). */
export function emulateFloat16(
  input: ModelProto,
  options: EmulateFloat16Options = {},
): { model: ModelProto; report: EmulateFloat16Report } {
  const model = cloneMessage(input);
  const proto = requireGraph(model, 'emulate-fp16');
  const graph = new Graph(proto);
  // Before anything is added: the accumulation model and the rounding insert Cast pairs of their own.
  refuseEmulated(model, graph);
  nameUnnamedNodes(graph);
  const { nodes: except, notes } = exceptedNodes(graph, options);
  const format = options.format ?? 'fp16';
  const low = format === 'bf16' ? DataType.BFLOAT16 : DataType.FLOAT16;
  const report: EmulateFloat16Report = {
    roundedTensors: 0,
    initializersRounded: 0,
    outOfRange: [],
    exceptedNodes: except.size,
    fusedSoftmaxes: 0,
    accumulatedMatMuls: [],
    notes,
  };
  if (options.fusedAttention) {
    for (const m of findAttentionScores(proto)) {
      const softmax = graph.node(m.softmax);
      if (softmax && !except.has(softmax)) {
        decomposeSoftmax(graph, softmax, model);
        report.fusedSoftmaxes++;
      }
    }
  }
  if (options.accumulation) report.accumulatedMatMuls = modelAccumulation(graph, except, options.accumulation, low);
  stampEmulation(model, format, options, report.accumulatedMatMuls.length);
  const order = graph.topologicalOrder();
  const opset = defaultOpset(model);
  const types = inferElemTypes(proto, order, undefined, opset);
  if (![...types.values()].includes(DataType.FLOAT)) {
    throw new ToolkitError('EMULATE_NOT_FP32', 'emulate-fp16: the model has no FLOAT tensors to round', {
      remedy: 'Emulation works on the FP32 model; pass the original rather than an FP16 conversion.',
    });
  }
  const readers = new Map<string, NodeProto[]>();
  for (const n of order) for (const i of n.input) if (i) readers.set(i, [...(readers.get(i) ?? []), n]);
  // Native FP16 keeps Resize/Upsample scales FLOAT: a tensor read only there is not rounded.
  const scalesOnly = (tensor: string) => {
    const users = readers.get(tensor) ?? [];
    return (
      users.length > 0 && users.every((u) => u.input.every((t, i) => t !== tensor || isFixedFloatInput(u, i, opset)))
    );
  };
  proto.initializer = proto.initializer.map((t) => {
    if (t.dataType !== DataType.FLOAT || scalesOnly(t.name ?? '')) return t;
    const values = readFloatValues(t);
    const over = roundThroughLow(values, low);
    if (over) report.outOfRange.push({ tensor: t.name ?? '', count: over, maxAbs: Infinity });
    report.initializersRounded++;
    return {
      ...t,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      floatData: [],
      externalData: [],
      dataLocation: undefined,
    };
  });
  const out: NodeProto[] = [];
  const round = (raw: string, rounded: string) => {
    const half = graph.uniqueName(`${rounded}_${format}`);
    out.push(castNode(graph, raw, half, low, `emulate_${format}`));
    out.push(castNode(graph, half, rounded, DataType.FLOAT, 'emulate_fp32'));
    report.roundedTensors++;
  };
  for (const v of proto.input) {
    const name = v.name ?? '';
    if (v.type?.tensorType?.elemType !== DataType.FLOAT || graph.initializer(name)) continue;
    const rounded = graph.uniqueName(`${name}_rounded`);
    graph.replaceAllUses(name, rounded, { keepOutputs: true });
    round(name, rounded);
  }
  for (const node of order) {
    out.push(node);
    const exempt = except.has(node);
    node.output.forEach((o, k) => {
      if (!o || types.get(o) !== DataType.FLOAT) return;
      const users = readers.get(o) ?? [];
      if (scalesOnly(o) && !graph.isGraphOutput(o)) return;
      const leaves = graph.isGraphOutput(o) || users.some((u) => !except.has(u));
      if (!leaves || (users.length === 0 && !graph.isGraphOutput(o))) return;
      const raw = graph.uniqueName(`${o}_fp32`);
      node.output[k] = raw;
      // Inside an FP32 set, readers keep the unrounded value; everyone else reads the rounded one.
      if (exempt) for (const u of users) if (except.has(u)) u.input = u.input.map((i) => (i === o ? raw : i));
      round(raw, o);
    });
  }
  proto.node = out;
  graph.invalidate();
  return { model, report };
}

/**
 * Refuses a model that already emulates a 16-bit format (stamped by emulate-fp16, or holding Casts to FLOAT16/BFLOAT16
 * read only by Casts back to FLOAT): rounding it again would double every Cast pair. Emulation is not applied twice;
 * emulate the original.
 */
function refuseEmulated(model: ModelProto, graph: Graph): void {
  const stamp = model.metadataProps.find((p) => p.key === EMULATION_METADATA_KEY)?.value;
  if (stamp !== undefined) {
    throw new ToolkitError('EMULATE_ALREADY', `emulate-fp16: the model is already emulated (${stamp})`, {
      remedy: 'Emulate the FP32 original; emulating an emulated model would round every tensor twice.',
    });
  }
  const isCastTo = (n: NodeProto | undefined, types: number[]) =>
    n?.opType === 'Cast' && (n.domain ?? '') === '' && types.includes(Number(getInt(n, 'to', 0)));
  const pairs = graph.nodes.filter((n) => {
    if (!isCastTo(n, [DataType.FLOAT16, DataType.BFLOAT16])) return false;
    const readers = graph.consumersOf(n.output[0] ?? '');
    return readers.length > 0 && readers.every((r) => isCastTo(r, [DataType.FLOAT]));
  });
  if (pairs.length > 0) {
    throw new ToolkitError(
      'EMULATE_ALREADY',
      `emulate-fp16: the model already rounds ${pairs.length} tensors through a 16-bit format (Cast pairs such as "${pairs[0]!.name ?? ''}")`,
      { remedy: 'Emulate the FP32 original; emulating an emulated model would round every tensor twice.' },
    );
  }
}

function exceptedNodes(graph: Graph, options: EmulateFloat16Options): { nodes: Set<NodeProto>; notes: string[] } {
  const wanted = new Set(options.except ?? []);
  const notes: string[] = [];
  for (const p of options.exceptPatterns ?? []) {
    const found = nodeNamesOfPattern(graph.proto, p, options.preset);
    if (found.length === 0) notes.push(`pattern "${p}" matches no node of this model`);
    for (const n of found) wanted.add(n);
  }
  const found = new Set<string>();
  const nodes = new Set<NodeProto>();
  for (const n of graph.nodes) {
    for (const key of [n.name ?? '', n.opType ?? '']) {
      if (wanted.has(key)) {
        nodes.add(n);
        found.add(key);
      }
    }
  }
  const missing = [...wanted].filter((w) => !found.has(w));
  if (missing.length) {
    throw new ToolkitError(
      'NODE_NOT_FOUND',
      `emulate-fp16 --fp32-nodes/--fp32-ops: ${missing.map((m) => `"${m}"`).join(', ')} names no node and no op type of this model`,
      { remedy: 'Give node names as they appear in the model, or op types such as Softmax.' },
    );
  }
  return { nodes, notes };
}

/** Unbound symbolic dims are taken this large when deciding which reductions are long (a full memory bank). */
const LARGE_DIM = 8192;

/**
 * Rewrites every MatMul outside the FP32 set whose reduction can exceed `minLength` (static length, or one that
 * grows with symbolic dims, or unknown) into chunked FP16 accumulation. Returns their names.
 */
function modelAccumulation(graph: Graph, except: Set<NodeProto>, options: AccumulationOptions, low: number): string[] {
  const chunk = options.chunk;
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw new ToolkitError('EMULATE_CHUNK', `emulate-fp16: accumulation chunk ${chunk} is not a positive integer`, {
      remedy: 'Give --accumulate N with N >= 1 (1 = strictly sequential FP16 accumulation).',
    });
  }
  const minLength = options.minLength ?? chunk;
  const dims: Record<string, number> = {};
  for (const input of graph.proto.input)
    for (const d of input.type?.tensorType?.shape?.dim ?? []) if (d.dimParam) dims[d.dimParam] = LARGE_DIM;
  const { facts } = inferShapes(graph.proto, { dims, inputValues: scalarIntegerInputs(graph.proto) });
  const rewritten: string[] = [];
  for (const node of [...graph.nodes]) {
    if (node.opType !== 'MatMul' || (node.domain ?? '') !== '' || except.has(node)) continue;
    const k = facts.get(node.input[0] ?? '')?.shape?.at(-1);
    if (k !== undefined && k <= minLength) continue;
    const replacement = accumulateMatMul(graph, node, chunk, low);
    graph.proto.node.splice(graph.nodes.indexOf(node), 1, ...replacement);
    graph.invalidate();
    rewritten.push(node.name ?? '');
  }
  return rewritten;
}

/** Records in the model's metadata what was emulated, so reports on the file can say what it can and cannot see. */
function stampEmulation(model: ModelProto, format: string, options: EmulateFloat16Options, accumulated: number): void {
  const value = JSON.stringify({
    format,
    fusedAttention: options.fusedAttention ?? false,
    ...(options.accumulation ? { accumulationChunk: options.accumulation.chunk, accumulatedMatMuls: accumulated } : {}),
  });
  model.metadataProps = [
    ...model.metadataProps.filter((p) => p.key !== EMULATION_METADATA_KEY),
    { key: EMULATION_METADATA_KEY, value },
  ];
}

/** The metadata key `emulate-fp16` writes (JSON: format, fusedAttention, accumulationChunk?). */
export const EMULATION_METADATA_KEY = 'tamkit.emulation';

/** What `emulate-fp16` recorded in a model it wrote (undefined for a model it did not write). */
export interface EmulationStamp {
  format: string;
  fusedAttention: boolean;
  accumulationChunk?: number;
  accumulatedMatMuls?: number;
}

/** Reads the emulation record of a model, if `emulate-fp16` wrote it. */
export function emulationStampOf(model: ModelProto): EmulationStamp | undefined {
  const entry = model.metadataProps.find((p) => p.key === EMULATION_METADATA_KEY);
  if (!entry?.value) return undefined;
  try {
    return JSON.parse(entry.value) as EmulationStamp;
  } catch {
    return undefined;
  }
}

/** One sentence on what an emulated model can and cannot show, for reports that compare it with FP32. */
export function describeEmulation(stamp: EmulationStamp): string {
  if (stamp.accumulationChunk === undefined) return EMULATION_BLIND_SPOT;
  return (
    `${stamp.format.toUpperCase()} emulation with accumulation modelled in ${stamp.accumulatedMatMuls ?? 0} MatMuls ` +
    `(chunks of ${stamp.accumulationChunk}); other reductions (softmax and norm sums, Gemm, Conv) still sum in FP32, ` +
    'and a GPU kernel may order its sums differently: check on the native FP16 stack.'
  );
}
