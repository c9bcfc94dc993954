/**
 * The one place engine-builder touches graph-surgery: ONNX I/O, the passes of the TensorRT 11 path
 * (`convertToFloat16`, `convertToBfloat16`, `insertFp32Islands`) and the pattern finders behind `auto` pins.
 */
import { dirname, resolve } from 'node:path';
import { InternalError, ToolkitError } from '@tamkit/common';
import {
  convertToBfloat16,
  convertToFloat16,
  externalOrigin,
  externalRef,
  findAttentionScores,
  findNormalizations,
  type GraphProto,
  insertFp32Islands,
  type ModelProto,
  mixedPresetNodes,
  type PresetNode,
  readModel,
  resolveExternalPath,
  visitModelTensors,
  writeModel,
} from '@tamkit/graph-surgery';
import type { GraphView } from './plan/graph-view.js';
import type { AutoPinKind } from './plan/plan.js';
import type { AutoPin, AutoPinFinder, ResolvedPlan } from './plan/resolve.js';

/** TensorProto.DataLocation EXTERNAL (onnx.proto). */
const EXTERNAL = 1;

interface PatternMatch {
  nodes: string[];
}

/** The graph-surgery passes engine-builder uses, with the signatures announced for them. */
interface GraphSurgeryPasses {
  convertToFloat16(model: ModelProto, options: { keepIoTypes?: boolean; convertAll?: boolean }): { model: ModelProto };
  convertToBfloat16(model: ModelProto, options: { keepIoTypes?: boolean; convertAll?: boolean }): { model: ModelProto };
  insertFp32Islands(model: ModelProto, options: { nodes: string[] }): { model: ModelProto };
  findAttentionScores(graph: GraphProto): PatternMatch[];
  findNormalizations(graph: GraphProto): PatternMatch[];
  mixedPresetNodes(graph: GraphProto): PresetNode[];
}

const PASSES: GraphSurgeryPasses = {
  convertToFloat16,
  convertToBfloat16,
  insertFp32Islands,
  findAttentionScores,
  findNormalizations,
  mixedPresetNodes,
};

/** Whether graph-surgery provides a pass (kept for callers that report why something is skipped). */
export function hasGraphSurgeryPass(name: keyof GraphSurgeryPasses): boolean {
  return typeof PASSES[name] === 'function';
}

function pass<K extends keyof GraphSurgeryPasses>(name: K): GraphSurgeryPasses[K] {
  return PASSES[name];
}

/** A model loaded for planning: its graph view, external data files, and the auto-pin results. */
export interface LoadedModel {
  /** The decoded model with its external data, for the graph edits of the TensorRT 11 path (when loaded with data). */
  model?: ModelProto;
  graph: GraphView;
  /** Absolute paths of the external-data files the model references, sorted, without duplicates. */
  externalDataFiles: string[];
  autoPins: AutoPinFinder;
}

/** The plain view of a decoded graph that plans and command lines use. */
export function graphViewOf(model: ModelProto): GraphView {
  const g = model.graph;
  if (!g) return { nodes: [], inputs: [], outputs: [] };
  const initializers = new Set(g.initializer.map((t) => t.name));
  return {
    nodes: g.node.map((n) => ({
      name: n.name ?? '',
      opType: n.opType ?? '',
      inputs: [...n.input],
      outputs: [...n.output],
    })),
    inputs: g.input.map((i) => i.name ?? '').filter((n) => !initializers.has(n)),
    outputs: g.output.map((o) => o.name ?? ''),
  };
}

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /** Pattern families whose finders to run (once, here, so that plan resolution stays pure). */
  autoPinKinds?: readonly AutoPinKind[];
  /** Read external tensor data into memory (needed only for graph edits). Default true. */
  withData?: boolean;
}

/** Reads an ONNX model and extracts what plans and cache keys need. */
export async function loadModel(path: string, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const withData = options.withData ?? true;
  const model = await readModel(path, { loadExternalData: withData });
  const external = new Set<string>();
  const modelDir = dirname(resolve(path));
  visitModelTensors(model, (tensor) => {
    // Loaded tensors remember their file; unloaded ones still carry their external_data entries.
    const location = withData
      ? externalOrigin(tensor)
      : tensor.dataLocation === EXTERNAL
        ? externalRef(tensor, path).location
        : undefined;
    if (location) external.add(resolveExternalPath(modelDir, location, path));
  });
  const found = new Map<AutoPinKind, AutoPin[]>();
  for (const kind of new Set(options.autoPinKinds ?? [])) {
    if (kind === 'mixed') {
      found.set(kind, pass('mixedPresetNodes')(model.graph!));
      continue;
    }
    const finder = pass(kind === 'attention' ? 'findAttentionScores' : 'findNormalizations');
    found.set(kind, [...new Set(finder(model.graph!).flatMap((m) => m.nodes))]);
  }
  return {
    ...(withData ? { model } : {}),
    graph: graphViewOf(model),
    externalDataFiles: [...external].sort(),
    autoPins: (kind) => {
      const nodes = found.get(kind);
      if (!nodes) throw new InternalError(`auto-pin kind "${kind}" was not requested from loadModel`);
      return nodes;
    },
  };
}

/** One graph edit of the TensorRT 11 path, as `--print-command` shows it. */
export interface GraphEdit {
  pass: 'convertToFloat16' | 'convertToBfloat16' | 'insertFp32Islands';
  options: Record<string, unknown>;
}

/**
 * The graph edits that express a resolved plan as a typed graph (TensorRT 11 has no precision flags: the graph's
 * types are the precision): an FP16 or BF16 conversion, then FP32 islands for the pinned nodes. Pure: it only
 * describes; `applyGraphEdits` performs them.
 */
export function planGraphEdits(plan: ResolvedPlan): GraphEdit[] {
  if (plan.defaultPrecision === 'fp32') return [];
  const low = plan.defaultPrecision;
  const edits: GraphEdit[] = [
    // convertAll: the ops graph-surgery keeps FP32 for a stack by default fail on ONNX Runtime stacks, not TensorRT.
    {
      pass: low === 'bf16' ? 'convertToBfloat16' : 'convertToFloat16',
      options: { keepIoTypes: plan.keepIoTypes, convertAll: true },
    },
  ];
  // Output-type requests for FP32 join the islands: the typed graph cannot keep a node's math in FP16/BF16 while
  // widening only its outputs without a cast pass, so the conservative reading (whole node in FP32) is used.
  const islands = [...plan.fp32Nodes];
  for (const { node, types } of plan.outputTypes) {
    if (types.every((t) => t === 'fp32')) {
      if (!islands.includes(node)) islands.push(node);
    } else if (types.some((t) => t !== low)) {
      throw new ToolkitError(
        'TRT11_OUTPUT_TYPES',
        `Output types ${types.join('+')} of "${node}" cannot be expressed as a typed graph`,
        {
          remedy: `On TensorRT 11 a node is either in the ${low.toUpperCase()} graph or in an FP32 island; pin it to FP32 or drop the entry.`,
        },
      );
    }
  }
  if (islands.length > 0) edits.push({ pass: 'insertFp32Islands', options: { nodes: islands } });
  return edits;
}

/** Performs graph edits on a loaded model and writes the typed model to `outPath` (atomically, data embedded). */
export async function applyGraphEdits(
  loaded: LoadedModel,
  edits: readonly GraphEdit[],
  outPath: string,
): Promise<void> {
  if (!loaded.model) throw new InternalError('applyGraphEdits needs a model read by loadModel');
  let model = loaded.model;
  for (const edit of edits) {
    if (edit.pass === 'insertFp32Islands')
      model = pass('insertFp32Islands')(model, edit.options as { nodes: string[] }).model;
    else model = pass(edit.pass)(model, edit.options as { keepIoTypes?: boolean; convertAll?: boolean }).model;
  }
  await writeModel(model, outPath, { externalData: 'embed' });
}
