import { resolve } from 'node:path';
import { ToolkitError } from '@tamkit/common';
import type { GraphView, PrecisionPlan } from '@tamkit/graph-surgery';
import { type ResolvedPlan, resolvePlan } from '@tamkit/graph-surgery';
import { type GraphEdit, type LoadedModel, loadModel, planGraphEdits } from './graph-surgery-glue.js';
import { type BuildArgsInput, buildTrtexecArgs, type ShapeProfile } from './trtexec/build-args.js';
import { formatCommandLine } from './trtexec/spec.js';
import { detectTrtVersion, resolveTrtexec, type TrtexecLocation } from './trtexec/trtexec.js';
import { buildPathFor, formatTrtVersion, type TrtBuildPath, type TrtVersion } from './trtexec/version.js';

/** Options shared by `describeBuild` and `buildEngine`. */
export interface BuildSpecOptions extends TrtexecLocation {
  plan: PrecisionPlan;
  /**
   * TensorRT major version to build for, when there is no trtexec to ask (`--print-command` on a machine without
   * TensorRT). When trtexec is present, its own version is used and must agree with this.
   */
  trtVersion?: TrtBuildPath;
  shapes?: ShapeProfile;
  /** Log tactic choices (--verbose). Default false. */
  verbose?: boolean;
  /** Extra trtexec arguments (part of the cache key). */
  extraArgs?: string[];
  /** GPU index for trtexec --device (the GPU identity, not the index, goes into the cache key). */
  device?: number;
}

/** What a build will do, decided before anything runs. */
export interface BuildSpec {
  modelPath: string;
  trtexec: string;
  /** Version as reported by trtexec, or "assumed-N" when taken from `trtVersion`. */
  trtVersion: string;
  path: TrtBuildPath;
  resolvedPlan: ResolvedPlan;
  graphEdits: GraphEdit[];
  /** The loaded model, when the plan or the build needed it. */
  loaded?: LoadedModel;
  graph: GraphView;
  /** Builds the argument array for the given per-entry paths. */
  args(
    paths: Pick<BuildArgsInput, 'onnxPath' | 'enginePath' | 'layerInfoPath' | 'timingCachePath'>,
    forKey?: boolean,
  ): string[];
}

async function chooseVersion(
  options: BuildSpecOptions,
  mustRun: boolean,
): Promise<{ label: string; path: TrtBuildPath }> {
  let detected: TrtVersion | undefined;
  try {
    detected = await detectTrtVersion(options);
  } catch (error) {
    if (mustRun || options.trtVersion === undefined) throw error;
  }
  if (detected) {
    const path = buildPathFor(detected);
    if (options.trtVersion !== undefined && options.trtVersion !== path) {
      throw new ToolkitError(
        'TRT_VERSION_MISMATCH',
        `--trt-version ${options.trtVersion} was given, but ${resolveTrtexec(options)} is TensorRT ${formatTrtVersion(detected)}`,
        { remedy: 'Drop --trt-version (trtexec knows its version), or point TRTEXEC at the other TensorRT.' },
      );
    }
    return { label: formatTrtVersion(detected), path };
  }
  return { label: `assumed-${options.trtVersion}`, path: buildPathFor(options.trtVersion!) };
}

function needsGraph(plan: PrecisionPlan): boolean {
  if (plan.defaultPrecision === 'fp32') return Object.keys(plan.outputTypes ?? {}).length > 0;
  const pins = plan.pinFp32 ?? {};
  return Boolean(
    pins.nodes?.length ||
      pins.patterns?.length ||
      pins.auto?.length ||
      plan.blockOps?.length ||
      Object.keys(plan.outputTypes ?? {}).length,
  );
}

const SHAPE_FLAGS = { min: '--min-shapes', opt: '--opt-shapes', max: '--max-shapes' } as const;

/** Every name in a shape profile must be an input of the model (trtexec would fail late, or ignore it). */
function checkShapeInputs(shapes: ShapeProfile, graph: GraphView, modelPath: string): void {
  for (const [kind, flag] of Object.entries(SHAPE_FLAGS) as [keyof ShapeProfile, string][]) {
    const unknown = Object.keys(shapes[kind] ?? {}).filter((name) => !graph.inputs.includes(name));
    if (unknown.length > 0) {
      throw new ToolkitError(
        'SHAPE_INPUT_UNKNOWN',
        `${flag} names ${unknown.map((n) => `"${n}"`).join(', ')}, which ${unknown.length > 1 ? 'are' : 'is'} not an input of ${modelPath}`,
        { remedy: `Name inputs of the model: ${graph.inputs.map((n) => `"${n}"`).join(', ') || '(it has none)'}.` },
      );
    }
  }
}

/**
 * Decides a build: TensorRT version and path, the plan resolved on the model, the graph edits (11.x) and the
 * trtexec arguments. `mustRun` (a real build) requires trtexec and always loads the model (its external data is
 * part of the cache key); otherwise (`--print-command`) the model is loaded only when the plan needs its graph.
 */
export async function planBuild(
  modelPath: string,
  options: BuildSpecOptions,
  mustRun: boolean,
  /** The path to name in messages (a build plans on a snapshot of the user's file). */
  displayPath = modelPath,
): Promise<BuildSpec> {
  const version = await chooseVersion(options, mustRun);
  const plan = options.plan;
  const loaded =
    mustRun || needsGraph(plan) || options.shapes
      ? await loadModel(modelPath, { withData: mustRun && version.path === 11 })
      : undefined;
  const graph: GraphView = loaded?.graph ?? { nodes: [], inputs: [], outputs: [] };
  if (options.shapes) checkShapeInputs(options.shapes, graph, displayPath);
  const resolvedPlan = resolvePlan(plan, graph, loaded?.autoPins);
  const graphEdits = version.path === 11 ? planGraphEdits(resolvedPlan) : [];
  const base = {
    path: version.path,
    plan: resolvedPlan,
    graph,
    ...(options.shapes ? { shapes: options.shapes } : {}),
    ...(options.verbose ? { verbose: true } : {}),
    ...(options.extraArgs ? { extraArgs: options.extraArgs } : {}),
  };
  const spec: BuildSpec = {
    modelPath: resolve(modelPath),
    trtexec: resolveTrtexec(options),
    trtVersion: version.label,
    path: version.path,
    resolvedPlan,
    graphEdits,
    graph,
    args: (paths, forKey = false) =>
      buildTrtexecArgs({
        ...base,
        ...paths,
        ...(forKey || options.device === undefined ? {} : { device: options.device }),
      }),
  };
  if (loaded) spec.loaded = loaded;
  return spec;
}

/** What `--print-command` shows. */
export interface BuildDescription {
  trtVersion: string;
  path: TrtBuildPath;
  graphEdits: GraphEdit[];
  fp32Nodes: string[];
  /** Why each FP32 node is pinned (`node`, `pattern:<p>`, `auto:<kind> (<reason>)`). */
  reasons: Record<string, string[]>;
  /** Plan patterns and auto families that matched nothing in this model. */
  unmatched: string[];
  args: string[];
  /** The command line, shell-quoted for display; it runs inside the cache entry's directory. */
  command: string;
}

/** Describes a build without running anything: the exact trtexec command line and the graph edits. */
export async function describeBuild(modelPath: string, options: BuildSpecOptions): Promise<BuildDescription> {
  const spec = await planBuild(modelPath, options, false);
  const typed = spec.graphEdits.length > 0;
  const args = spec.args({
    onnxPath: typed ? 'model.typed.onnx' : spec.modelPath,
    enginePath: 'engine.plan',
    layerInfoPath: 'layers.json',
  });
  return {
    trtVersion: spec.trtVersion,
    path: spec.path,
    graphEdits: spec.graphEdits,
    fp32Nodes: spec.resolvedPlan.fp32Nodes,
    reasons: spec.resolvedPlan.reasons,
    unmatched: spec.resolvedPlan.unmatched,
    args,
    command: formatCommandLine(spec.trtexec, args),
  };
}
