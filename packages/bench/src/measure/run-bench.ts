import { UsageError } from '@tamkit/common';
import {
  BENCH_REPORT_KIND,
  BENCH_SCHEMA_VERSION,
  type BenchReport,
  type ModuleResult,
  type UnavailableStack,
} from '../report/schema.js';
import { StackUnavailableError } from '../stacks/errors.js';
import { readModelSignature } from '../stacks/model-signature.js';
import { assertPlacement, describePlacement } from '../stacks/ort/placement.js';
import { getStack, type StackName } from '../stacks/registry.js';
import type { Runner } from '../stacks/runner.js';
import { bindingFromFeeds, isShapeVariant, type ShapeVariant, variantSettings } from '../stacks/shape-variant.js';
import type { GraphOptimization, RunnerSettings } from '../stacks/stack-definition.js';
import type { Feeds, TensorInfo } from '../stacks/types.js';
import { collectEnvironment } from './environment.js';
import { findModels, moduleName } from './find-models.js';
import { sha256File } from './hash.js';
import { generateFeeds } from './inputs.js';
import { loadModulePlans } from './plans.js';
import { type MeasureBudget, type Measurement, measureRunner } from './sample.js';
import { applicableUserShapes, resolveInputShapes } from './shapes.js';
import { measureVariantRounds, roundBudgets } from './variant-rounds.js';

/** A progress event, for a CLI to print; the library itself prints nothing. */
export type BenchProgress =
  | { kind: 'unavailable'; stack: string; reason: string }
  | { kind: 'module-start'; stack: string; module: string }
  | { kind: 'module-done'; result: ModuleResult }
  /** Shape variants of one module measured interleaved: the order of one round. */
  | { kind: 'variant-round'; stack: string; module: string; round: number; order: ShapeVariant[] };

/** Options of `runBench`. */
export interface BenchRunOptions {
  /** Stacks to run, side by side. */
  stacks: readonly StackName[];
  /** An .onnx file or a directory of .onnx modules. */
  models: string;
  /** Warm-up and timing budget (default: 10 warm-up runs, then 2 s per module). */
  budget?: MeasureBudget;
  /** Intra-op threads for the ONNX Runtime stacks. Default: ONNX Runtime's choice. */
  threads?: number;
  /** ONNX Runtime intra-op spinning (`--spinning`). Default: ONNX Runtime's (on). */
  allowSpinning?: boolean;
  /** ONNX Runtime's graph optimisation level (see `RunnerSettings.graphOptimization`). Default 'all'. */
  graphOptimization?: GraphOptimization;
  /** Input shapes by input name (`--shape`); other dynamic dims get realistic defaults. */
  shapes?: Record<string, number[]>;
  /** Seed of the generated inputs. Default 0. */
  seed?: number;
  /** Report results even when compute ops ran on another provider than requested. Default false. */
  allowPartial?: boolean;
  /** Runs of the separate profiled session used to verify placement. Default 3; 0 skips verification. */
  profileRuns?: number;
  /**
   * Keep outputs on the device for stacks that can (ort-webgpu): latency is then the inference alone and the
   * download is reported apart as `copies.d2hMs`. Default false (latency includes ORT's own copy to host).
   */
  deviceOutputs?: boolean;
  /**
   * Precision plans (`--plan`): a plan file for every module, or a folder of `<module>.plan.json`. ONNX Runtime
   * stacks run each plan applied to its model; trt-* stacks build their engines from it. Default: none.
   */
  plan?: string;
  /**
   * Shape variant (see stacks/shape-variant.ts): `original` (default) runs each model as exported; `pinned` fixes
   * its symbolic dims at the benchmarked shapes with ONNX Runtime's freeDimensionOverrides; `static` runs it
   * specialised by graph-surgery to those shapes and integer-input values. ONNX Runtime stacks only.
   */
  shapeVariant?: ShapeVariant;
  /**
   * Several shape variants (`--shapes original --shapes static`): each module on each ONNX Runtime stack runs as
   * every one of them, measured interleaved (measure/variant-rounds.ts), one result per variant. Takes precedence
   * over `shapeVariant`. Other stacks run the models as exported, once.
   */
  shapeVariants?: readonly ShapeVariant[];
  /** Free-form label stored in the report. */
  label?: string;
  onProgress?: (event: BenchProgress) => void;
}

/**
 * Runs every model on every stack and returns a BenchReport. A stack that cannot run here is listed under
 * `unavailable` with its reason and remedy, never measured in another's place. Placement of ONNX Runtime stacks
 * is verified in a separate profiled session before timing; compute ops on another provider fail the run
 * unless `allowPartial`.
 */
export async function runBench(options: BenchRunOptions): Promise<BenchReport> {
  if (options.stacks.length === 0) throw new RangeError('options.stacks: name at least one stack');
  const variants = checkShapeVariants(options.shapeVariants ?? [options.shapeVariant ?? 'original']);
  const models = await findModels(options.models);
  if (options.shapes !== undefined) await checkShapesNameInputs(models, options.shapes);
  const planned = options.plan === undefined ? undefined : await loadModulePlans(options.plan, models);
  const hashes = new Map<string, string>();
  for (const model of models) hashes.set(model, await sha256File(model));

  const results: ModuleResult[] = [];
  const unavailable: UnavailableStack[] = [];
  let tensorrt: string | undefined;
  for (const name of new Set(options.stacks)) {
    const stack = getStack(name);
    const availability = await stack.probe();
    if (!availability.available) {
      unavailable.push({ stack: name, reason: availability.reason, remedy: availability.remedy });
      options.onProgress?.({ kind: 'unavailable', stack: name, reason: availability.reason });
      continue;
    }
    try {
      const stackVariants = stack.family === 'onnxruntime' ? variants : (['original'] as const);
      for (const model of models) {
        options.onProgress?.({ kind: 'module-start', stack: name, module: moduleName(model) });
        const plan = planned?.plans.get(model);
        const create = async (variant: ShapeVariant) => {
          const shaped = variant === 'original' ? undefined : await shapeSettings(model, variant, options);
          const runner = stack.createWith({
            ...(options.threads === undefined ? {} : { threads: options.threads }),
            ...(options.allowSpinning === undefined ? {} : { allowSpinning: options.allowSpinning }),
            ...(options.graphOptimization === undefined ? {} : { graphOptimization: options.graphOptimization }),
            ...(options.deviceOutputs ? { deviceOutputs: true } : {}),
            ...(plan === undefined ? {} : { plan }),
            ...(shaped === undefined ? {} : shaped.settings),
          });
          return { runner, signature: shaped?.inputs };
        };
        const measured =
          stackVariants.length === 1
            ? [await benchModuleAs(stackVariants[0]!, create, model, hashes.get(model)!, options)]
            : await benchVariants(stackVariants, create, model, hashes.get(model)!, options);
        for (const result of measured) {
          if (stack.family !== 'onnxruntime' && variants.some((v) => v !== 'original')) {
            result.notes.push(`--shapes ${variants.join(', ')}: ONNX Runtime stacks only; ran as exported`);
          }
          if (planned) result.notes.push(...planned.notes);
          tensorrt ??= result.options.tensorrt as string | undefined;
          results.push(result);
          options.onProgress?.({ kind: 'module-done', result });
        }
      }
    } catch (error) {
      // A stack that probed fine can still turn out unavailable on activation: list it, keep the others.
      if (!(error instanceof StackUnavailableError)) throw error;
      for (let i = results.length - 1; i >= 0; i -= 1) if (results[i]!.stack === name) results.splice(i, 1);
      unavailable.push({ stack: name, reason: error.reason, remedy: error.remedy ?? '' });
      options.onProgress?.({ kind: 'unavailable', stack: name, reason: error.reason });
    }
  }

  return {
    kind: BENCH_REPORT_KIND,
    schemaVersion: BENCH_SCHEMA_VERSION,
    createdAt: new Date().toISOString(),
    ...(options.label === undefined ? {} : { label: options.label }),
    environment: await collectEnvironment({
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(tensorrt === undefined ? {} : { tensorrt }),
    }),
    modules: results,
    pipelines: [],
    unavailable,
  };
}

/** Activates, verifies placement, measures and deactivates one runner on one model. */
export async function benchModule(
  runner: Runner,
  model: string,
  sha256: string,
  options: BenchRunOptions,
  signature?: readonly TensorInfo[],
): Promise<ModuleResult> {
  const opened = await openModule(runner, model, sha256, options, signature);
  try {
    return moduleResult(opened, await measureRunner(runner, opened.feeds, options.budget ?? {}, opened.shapes));
  } finally {
    await runner.deactivate();
  }
}

type CreateVariant = (variant: ShapeVariant) => Promise<{ runner: Runner; signature: TensorInfo[] | undefined }>;

/** One variant alone: measured as `benchModule` does, its variant recorded. */
async function benchModuleAs(
  variant: ShapeVariant,
  create: CreateVariant,
  model: string,
  sha256: string,
  options: BenchRunOptions,
): Promise<ModuleResult> {
  const { runner, signature } = await create(variant);
  return { ...(await benchModule(runner, model, sha256, options, signature)), shapes: variant };
}

/**
 * Every variant of one module on one stack: all sessions opened (placement verified each), then measured
 * interleaved by round, then closed. One result per variant, in the order given; a non-original variant's notes
 * say its p50 against the original's when the original ran too.
 */
async function benchVariants(
  variants: readonly ShapeVariant[],
  create: CreateVariant,
  model: string,
  sha256: string,
  options: BenchRunOptions,
): Promise<ModuleResult[]> {
  const opened: OpenedModule[] = [];
  try {
    for (const variant of variants) {
      const { runner, signature } = await create(variant);
      opened.push(await openModule(runner, model, sha256, options, signature));
    }
    const module = moduleName(model);
    const stack = opened[0]!.runner.stack;
    const measured = await measureVariantRounds(opened, options.budget ?? {}, (round, order) =>
      options.onProgress?.({ kind: 'variant-round', stack, module, round, order: order.map((i) => variants[i]!) }),
    );
    const rounds = roundBudgets(options.budget ?? {}).length;
    const results = opened.map((o, i) => {
      const others = variants.filter((_, j) => j !== i).join(', ');
      const result: ModuleResult = { ...moduleResult(o, measured[i]!), shapes: variants[i]! };
      result.notes.push(`measured interleaved with shapes ${others}: ${rounds} rounds, the first rotating`);
      return result;
    });
    const original = results.find((r) => r.shapes === 'original');
    for (const result of results) {
      if (original === undefined || result === original) continue;
      const ratio = result.latency.p50Ms / original.latency.p50Ms;
      result.notes.push(
        `${module} shapes ${result.shapes}/original p50 ${ratio.toFixed(3)} ` +
          `(${original.latency.p50Ms.toFixed(3)} -> ${result.latency.p50Ms.toFixed(3)} ms)`,
      );
    }
    return results;
  } finally {
    for (const o of opened) await o.runner.deactivate();
  }
}

/** An activated runner with its inputs resolved and placement verified, ready to time. */
interface OpenedModule {
  runner: Runner;
  model: string;
  sha256: string;
  feeds: Feeds;
  shapes: Record<string, number[]>;
  notes: string[];
  placement?: ModuleResult['placement'];
  recognisedAs?: string;
  seed: number;
}

/** Activates a runner on a model, resolves and generates its inputs and verifies placement (deactivates on failure). */
async function openModule(
  runner: Runner,
  model: string,
  sha256: string,
  options: BenchRunOptions,
  signature?: readonly TensorInfo[],
): Promise<OpenedModule> {
  await runner.activate(model);
  try {
    // A pinned or specialised model declares fixed dims (and may have lost inputs): inputs are chosen for the
    // model as exported (`signature`), as they were for the binding, and fed where the runner still takes them.
    const declared = signature ?? runner.inputs;
    const resolved = resolveInputShapes(declared, applicableUserShapes(declared, options.shapes ?? {}));
    const notes = [...runner.notes(), ...resolved.notes.map((n) => `input ${n}`)];
    const needsFeeds = runner.capabilities.inProcess;
    const generated = needsFeeds ? await generateFeeds(declared, resolved, options.seed ?? 0) : {};
    const takes = new Set(runner.inputs.map((i) => i.name));
    const feeds = Object.fromEntries(Object.entries(generated).filter(([name]) => takes.has(name)));
    const profileRuns = options.profileRuns ?? 3;
    const placement =
      runner.capabilities.placement && profileRuns > 0 ? await runner.profilePlacement(feeds, profileRuns) : undefined;
    if (placement !== undefined) {
      assertPlacement(placement, `${runner.stack} on ${model}`, { allowPartial: options.allowPartial ?? false });
      if (placement.computeOpsElsewhere.length > 0) {
        notes.push(
          `partial placement allowed: ${placement.computeOpsElsewhere.length} compute op(s) elsewhere; ${describePlacement(placement)}`,
        );
      }
    }
    return {
      runner,
      model,
      sha256,
      feeds,
      shapes: resolved.shapes,
      notes,
      ...(placement === undefined ? {} : { placement }),
      ...(resolved.module === undefined ? {} : { recognisedAs: resolved.module }),
      seed: options.seed ?? 0,
    };
  } catch (error) {
    await runner.deactivate();
    throw error;
  }
}

/** The result of an opened module as measured (before its runner is deactivated: options come from it). */
function moduleResult(opened: OpenedModule, measured: Pick<Measurement, 'latency' | 'h2d' | 'd2h'>): ModuleResult {
  const copies =
    measured.h2d === undefined && measured.d2h === undefined
      ? undefined
      : { ...(measured.h2d ? { h2dMs: measured.h2d } : {}), ...(measured.d2h ? { d2hMs: measured.d2h } : {}) };
  return {
    stack: opened.runner.stack,
    module: moduleName(opened.model),
    modelPath: opened.model,
    modelSha256: opened.sha256,
    latency: measured.latency,
    ...(copies === undefined ? {} : { copies }),
    ...(opened.placement === undefined ? {} : { placement: opened.placement }),
    options: {
      ...opened.runner.describeOptions(),
      seed: opened.seed,
      inputShapes: opened.shapes,
      // The module the input defaults were chosen for (recognised from input shapes), when recognised.
      ...(opened.recognisedAs === undefined ? {} : { recognisedAs: opened.recognisedAs }),
    },
    notes: opened.notes,
  };
}

/** The variants to run: at least one, each known, none twice (a typo or a repeat is a usage error). */
function checkShapeVariants(variants: readonly string[]): ShapeVariant[] {
  if (variants.length === 0) {
    throw new UsageError('--shapes names no shape variant', 'Name one or more of: original, pinned, static.');
  }
  const unknown = variants.filter((v) => !isShapeVariant(v));
  if (unknown.length > 0) {
    throw new UsageError(
      `--shapes ${unknown.map((v) => `"${v}"`).join(', ')} is no shape variant`,
      'Name one or more of: original, pinned, static (e.g. --shapes original --shapes static).',
    );
  }
  const repeated = variants.filter((v, i) => variants.indexOf(v) !== i);
  if (repeated.length > 0) {
    throw new UsageError(
      `--shapes ${repeated[0]} is given twice`,
      'Name each shape variant once (e.g. --shapes original --shapes static).',
    );
  }
  return variants as ShapeVariant[];
}

/**
 * The runner settings of the shape variant for one model: the shapes and integer-input values the benchmark
 * feeds it (the same resolution and seed as `benchModule`), pinned or specialised.
 */
async function shapeSettings(
  model: string,
  variant: ShapeVariant,
  options: BenchRunOptions,
): Promise<{ settings: RunnerSettings; inputs: TensorInfo[] }> {
  const { inputs } = await readModelSignature(model);
  const resolved = resolveInputShapes(inputs, applicableUserShapes(inputs, options.shapes ?? {}));
  const feeds = await generateFeeds(inputs, resolved, options.seed ?? 0);
  return { settings: variantSettings(variant, inputs, bindingFromFeeds(inputs, feeds)), inputs };
}

/** Fails before any timing when a `--shape` names no dynamic input of any model (a typo would go unnoticed). */
async function checkShapesNameInputs(models: readonly string[], shapes: Record<string, number[]>): Promise<void> {
  const wanted = new Set(Object.keys(shapes));
  if (wanted.size === 0) return;
  const dynamicInputs = new Set<string>();
  for (const model of models) {
    const { inputs } = await readModelSignature(model);
    for (const input of inputs) if (input.shape.some((d) => typeof d === 'string')) dynamicInputs.add(input.name);
  }
  const unused = [...wanted].filter((name) => !dynamicInputs.has(name));
  if (unused.length > 0) {
    throw new UsageError(
      `--shape names ${unused.map((n) => `"${n}"`).join(', ')}, which is no dynamic input of the models`,
      `Dynamic inputs: ${[...dynamicInputs].join(', ') || 'none'}.`,
    );
  }
}
