/**
 * The one place engine-builder touches graph-surgery's ONNX API and passes.
 *
 * graph-surgery's `readModel`/`writeModel`, `convertToFloat16`, `insertFp32Islands` and the pattern finders land
 * on main in stages, so this file reaches them through a dynamic import and checks each at run time: a missing
 * function becomes a ToolkitError naming it, never a crash. Once they have all landed, these lookups can become
 * plain static imports without changing anything outside this file.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { InternalError, ToolkitError } from '@tamkit/graph-surgery';
import type { GraphView } from './plan/graph-view.js';
import type { AutoPinKind } from './plan/plan.js';
import type { AutoPinFinder, ResolvedPlan } from './plan/resolve.js';

/** The slice of onnx.proto that engine-builder reads (camelCase field names, as graph-surgery decodes them). */
interface StringStringEntry {
  key?: string;
  value?: string;
}
interface TensorLike {
  name?: string;
  dataLocation?: number | string;
  externalData?: StringStringEntry[];
}
interface NodeLike {
  name?: string;
  opType?: string;
  input?: string[];
  output?: string[];
  attribute?: { g?: GraphLike; graphs?: GraphLike[] }[];
}
interface GraphLike {
  node?: NodeLike[];
  input?: { name?: string }[];
  output?: { name?: string }[];
  initializer?: TensorLike[];
}
interface ModelLike {
  graph?: GraphLike;
}
interface PatternMatch {
  nodes: string[];
}

interface GraphSurgeryApi {
  readModel(path: string): Promise<ModelLike>;
  writeModel(model: ModelLike, path: string): Promise<void>;
  convertToFloat16(model: ModelLike, options: { keepIoTypes?: boolean }): { model: ModelLike };
  insertFp32Islands(model: ModelLike, options: { nodes: string[] }): { model: ModelLike };
  findAttentionScores(graph: GraphLike): PatternMatch[];
  findNormalizations(graph: GraphLike): PatternMatch[];
}

async function graphSurgery<K extends keyof GraphSurgeryApi>(name: K): Promise<GraphSurgeryApi[K]> {
  const module = (await import('@tamkit/graph-surgery')) as unknown as Partial<GraphSurgeryApi>;
  const fn = module[name];
  if (typeof fn !== 'function') {
    throw new ToolkitError('GRAPH_SURGERY_MISSING', `@tamkit/graph-surgery does not provide ${name}() in this build`, {
      remedy: 'Update the workspace (graph-surgery provides ONNX I/O and the FP16/FP32-island passes), then rebuild.',
    });
  }
  return fn.bind(module) as GraphSurgeryApi[K];
}

/** A model loaded for planning: its graph view, external data files, and the auto-pin finders bound to it. */
export interface LoadedModel {
  /** The decoded model, opaque outside this file. */
  model: unknown;
  graph: GraphView;
  /** Absolute paths of external-data files the model references, sorted, without duplicates. */
  externalDataFiles: string[];
  autoPins: AutoPinFinder;
}

function collectExternalData(graph: GraphLike | undefined, modelDir: string, into: Set<string>): void {
  for (const t of graph?.initializer ?? []) {
    const location = t.externalData?.find((e) => e.key === 'location')?.value;
    if (location) into.add(isAbsolute(location) ? location : resolve(modelDir, location));
  }
  for (const n of graph?.node ?? []) {
    for (const a of n.attribute ?? []) {
      if (a.g) collectExternalData(a.g, modelDir, into);
      for (const g of a.graphs ?? []) collectExternalData(g, modelDir, into);
    }
  }
}

/**
 * Reads an ONNX model through graph-surgery and extracts what plans and cache keys need. The auto-pin finders
 * for `autoPinKinds` run here, once, so that plan resolution stays a pure function.
 */
export async function loadModel(path: string, autoPinKinds: readonly AutoPinKind[] = []): Promise<LoadedModel> {
  const readModel = await graphSurgery('readModel');
  const model = await readModel(path);
  const g = model.graph ?? {};
  const initializers = new Set((g.initializer ?? []).map((t) => t.name));
  const graph: GraphView = {
    nodes: (g.node ?? []).map((n) => ({
      name: n.name ?? '',
      opType: n.opType ?? '',
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
    })),
    inputs: (g.input ?? []).map((i) => i.name ?? '').filter((n) => !initializers.has(n)),
    outputs: (g.output ?? []).map((o) => o.name ?? ''),
  };
  const external = new Set<string>();
  collectExternalData(g, dirname(resolve(path)), external);
  const found = new Map<AutoPinKind, string[]>();
  for (const kind of new Set(autoPinKinds)) {
    const finder = await graphSurgery(kind === 'attention' ? 'findAttentionScores' : 'findNormalizations');
    found.set(kind, [...new Set(finder(g).flatMap((m) => m.nodes))]);
  }
  return {
    model,
    graph,
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
  pass: 'convertToFloat16' | 'insertFp32Islands';
  options: Record<string, unknown>;
}

/**
 * The graph edits that express a resolved plan as a typed graph (TensorRT 11 has no precision flags: the graph's
 * types are the precision). Pure: it only describes; `applyGraphEdits` performs them.
 */
export function planGraphEdits(plan: ResolvedPlan): GraphEdit[] {
  if (plan.defaultPrecision === 'fp32') return [];
  if (plan.defaultPrecision === 'bf16') {
    throw new ToolkitError('TRT11_BF16_UNSUPPORTED', 'A BF16 plan cannot be built on TensorRT 11 yet: graph-surgery has no BF16 conversion pass', {
      remedy: 'Use --trt-version 10 (weakly typed --bf16), or convert the model to BF16 offline and build it with --precision fp32.',
    });
  }
  const edits: GraphEdit[] = [{ pass: 'convertToFloat16', options: { keepIoTypes: plan.keepIoTypes } }];
  // Output-type requests for FP32 join the islands: the typed graph cannot keep a node's math in FP16 while
  // widening only its outputs without a cast pass, so the conservative reading (whole node in FP32) is used.
  const islands = new Set(plan.fp32Nodes);
  for (const { node, types } of plan.outputTypes) {
    if (types.every((t) => t === 'fp32')) islands.add(node);
    else if (types.some((t) => t !== 'fp16')) {
      throw new ToolkitError('TRT11_OUTPUT_TYPES', `Output types ${types.join('+')} of "${node}" cannot be expressed as a typed graph`, {
        remedy: 'On TensorRT 11 a node is either in the FP16 graph or in an FP32 island; pin it to FP32 or drop the entry.',
      });
    }
  }
  if (islands.size > 0) {
    const ordered = [...plan.fp32Nodes, ...[...islands].filter((n) => !plan.fp32Nodes.includes(n))];
    edits.push({ pass: 'insertFp32Islands', options: { nodes: ordered } });
  }
  return edits;
}

/** Performs graph edits on a loaded model and writes the typed model to `outPath` (atomically). */
export async function applyGraphEdits(loaded: LoadedModel, edits: readonly GraphEdit[], outPath: string): Promise<void> {
  let model = loaded.model as ModelLike;
  for (const edit of edits) {
    if (edit.pass === 'convertToFloat16') {
      const convert = await graphSurgery('convertToFloat16');
      model = convert(model, edit.options as { keepIoTypes?: boolean }).model;
    } else {
      const islands = await graphSurgery('insertFp32Islands');
      model = islands(model, edit.options as { nodes: string[] }).model;
    }
  }
  const writeModel = await graphSurgery('writeModel');
  await writeModel(model, outPath);
}
