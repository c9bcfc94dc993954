import { ToolkitError } from '@tamkit/common';
import type { GraphNodeView, GraphView, ResolvedPlan } from '@tamkit/graph-surgery';
import { shapeSpec, specName } from './spec.js';
import type { TrtBuildPath } from './version.js';

/** Optimisation-profile shapes for dynamic inputs (trtexec --minShapes/--optShapes/--maxShapes). */
export interface ShapeProfile {
  min?: Record<string, number[]>;
  opt?: Record<string, number[]>;
  max?: Record<string, number[]>;
}

/** Everything that decides a trtexec build command line. */
export interface BuildArgsInput {
  path: TrtBuildPath;
  /** The ONNX file trtexec reads (on the 11.x path: the typed model written from the plan). */
  onnxPath: string;
  enginePath: string;
  plan: ResolvedPlan;
  /** The graph of the model the plan was resolved on (gives TensorRT layer names and output counts). */
  graph: GraphView;
  shapes?: ShapeProfile;
  timingCachePath?: string;
  /** Where trtexec writes the engine's layer information (detailed profiling verbosity is set with it). */
  layerInfoPath?: string;
  /** GPU index (trtexec --device). */
  device?: number;
  /** Add --verbose, so the log records tactic choices per layer (large logs). Default false. */
  verbose?: boolean;
  /** Extra trtexec arguments, appended as given (they are part of the cache key). */
  extraArgs?: readonly string[];
}

/** Flags TensorRT 11 rejects: they set precision outside the graph's types. */
const WEAK_TYPING_FLAGS = [
  '--fp16',
  '--bf16',
  '--int8',
  '--fp8',
  '--int4',
  '--best',
  '--precisionConstraints',
  '--layerPrecisions',
  '--layerOutputTypes',
];

function checkExtraArgs(path: TrtBuildPath, extra: readonly string[]): void {
  const managed = ['--onnx', '--saveEngine', '--timingCacheFile', '--exportLayerInfo', '--skipInference'];
  for (const arg of extra) {
    const flag = arg.split('=')[0]!;
    if (managed.includes(flag)) {
      throw new ToolkitError(
        'EXTRA_ARG_CONFLICT',
        `Extra trtexec argument ${arg} conflicts with one engine-builder sets itself`,
        {
          remedy: `Drop ${flag} from the extra arguments; use the matching engine-builder option instead.`,
        },
      );
    }
    if (path === 11 && WEAK_TYPING_FLAGS.includes(flag)) {
      throw new ToolkitError('TRT11_FLAG_REMOVED', `TensorRT 11 removed ${flag} (all networks are strongly typed)`, {
        remedy: "Express precision in the plan; on TensorRT 11 it becomes the graph's types.",
      });
    }
    // The plan is the engine's precision: the cache lists it and inspect checks against it, so a flag that changes
    // precision behind its back (an "fp32" engine built with --fp16) is refused on every path.
    if (WEAK_TYPING_FLAGS.includes(flag) || flag === '--stronglyTyped') {
      throw new ToolkitError(
        'EXTRA_ARG_CONFLICT',
        `Extra trtexec argument ${arg} sets precision outside the plan, so the engine would not be what the plan (and the cache) says`,
        { remedy: 'Drop it and choose the precision with --precision or --plan (pins, output types) instead.' },
      );
    }
  }
}

/** The precision flags of the 10.x path for a resolved plan. */
function weakTypingArgs(plan: ResolvedPlan, graph: GraphView): string[] {
  const args: string[] = [];
  const pinnedOrTyped = plan.fp32Nodes.length > 0 || plan.outputTypes.length > 0;
  if (plan.defaultPrecision === 'fp32') {
    const widened = plan.outputTypes.find((o) => o.types.some((t) => t !== 'fp32'));
    if (widened) {
      throw new ToolkitError(
        'PLAN_UNSUPPORTED',
        `An FP32 plan cannot give "${widened.node}" ${widened.types.join('+')} outputs`,
        {
          remedy: 'Set defaultPrecision to fp16 or bf16 and pin the rest to FP32 instead.',
        },
      );
    }
    return args;
  }
  args.push(plan.defaultPrecision === 'fp16' ? '--fp16' : '--bf16');
  if (!pinnedOrTyped) return args;
  const byName = new Map(graph.nodes.filter((n) => n.name.length > 0).map((n) => [n.name, n]));
  const layer = (node: string) => {
    const n = byName.get(node);
    return n ? trtLayerName(n) : node;
  };
  args.push('--precisionConstraints=obey');
  if (plan.fp32Nodes.length > 0) {
    args.push(
      `--layerPrecisions=${plan.fp32Nodes.map((n) => `${specName(layer(n), '--layerPrecisions')}:fp32`).join(',')}`,
    );
  }
  if (plan.outputTypes.length > 0) {
    const entries = plan.outputTypes.map(
      (o) => `${specName(layer(o.node), '--layerOutputTypes')}:${o.types.join('+')}`,
    );
    args.push(`--layerOutputTypes=${entries.join(',')}`);
  }
  return args;
}

/**
 * The trtexec argument array for a build. Pure and deterministic: the same input gives the same array, which is
 * what the cache key hashes and what golden tests pin down.
 */
export function buildTrtexecArgs(input: BuildArgsInput): string[] {
  checkExtraArgs(input.path, input.extraArgs ?? []);
  const args = [`--onnx=${input.onnxPath}`, `--saveEngine=${input.enginePath}`];
  // On 11.x the typed graph already carries the plan; no precision flag exists there.
  if (input.path === 10) args.push(...weakTypingArgs(input.plan, input.graph));
  if (input.shapes?.min) args.push(`--minShapes=${shapeSpec(input.shapes.min, '--minShapes')}`);
  if (input.shapes?.opt) args.push(`--optShapes=${shapeSpec(input.shapes.opt, '--optShapes')}`);
  if (input.shapes?.max) args.push(`--maxShapes=${shapeSpec(input.shapes.max, '--maxShapes')}`);
  if (input.timingCachePath) args.push(`--timingCacheFile=${input.timingCachePath}`);
  if (input.layerInfoPath) args.push('--profilingVerbosity=detailed', `--exportLayerInfo=${input.layerInfoPath}`);
  args.push('--skipInference');
  if (input.device !== undefined) args.push(`--device=${input.device}`);
  if (input.verbose) args.push('--verbose');
  args.push(...(input.extraArgs ?? []));
  return args;
}

/**
 * The name TensorRT's ONNX parser gives the layer made from a node: the node name, or, for an unnamed node,
 * `node_of_<first output>` (onnx-tensorrt's naming).
 */
export function trtLayerName(node: GraphNodeView): string {
  return node.name.length > 0 ? node.name : `node_of_${node.outputs[0] ?? ''}`;
}
