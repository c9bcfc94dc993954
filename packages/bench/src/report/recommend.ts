import { ToolkitError } from '@tamkit/common';
import { unique } from './labels.js';
import { type BenchReport, type ModuleResult, moduleShapes, type ShapeVariantName } from './schema.js';

/** module name -> stack name, the shape `bench --stack image_encoder=ort-webgpu,...` takes. */
export type StackAssignment = Record<string, string>;

/** The choice for one module, with the other stacks measured for it (fastest first). */
export interface ModuleChoice {
  module: string;
  stack: string;
  p50Ms: number;
  /** Every stack measured for this module, fastest first (the chosen one included). */
  candidates: { stack: string; p50Ms: number }[];
}

/** What `recommendAssignment` returns. */
export interface AssignmentRecommendation {
  assignment: StackAssignment;
  perModule: ModuleChoice[];
  /** Predicted per-frame module time of the mixed pipeline: the sum of the chosen p50s. */
  predictedFrameMs: number;
  /** The same prediction for each single stack that ran every module, for comparison, fastest first. */
  singleStack: { stack: string; predictedFrameMs: number }[];
  /** What the prediction leaves out; show these with the numbers. */
  caveats: string[];
  /** The shape variant whose results were compared (one only: variants are never mixed). */
  shapes: ShapeVariantName;
}

/** Options of `recommendAssignment`. */
export interface RecommendOptions {
  /**
   * Consider results whose compute ops partly ran on another provider than requested (default false: such a
   * result measures a different placement than its stack name says, so it is not a fair candidate).
   */
  allowPartialPlacement?: boolean;
  /**
   * The shape variant to recommend for, when the report ran several (`bench run --shapes`): results of other
   * variants are left out, so the assignment never mixes them. Default: `reportShapes(report)`.
   */
  shapes?: ShapeVariantName;
}

/** The variant a recommendation uses by default: `original` when the report has it, else its first variant. */
export function reportShapes(report: BenchReport): ShapeVariantName {
  const variants = report.modules.map(moduleShapes);
  return variants.includes('original') ? 'original' : (variants[0] ?? 'original');
}

function isFullyPlaced(result: ModuleResult): boolean {
  return (result.placement?.computeOpsElsewhere.length ?? 0) === 0;
}

/**
 * Picks the fastest stack (lowest p50) for each module of a run and predicts the per-frame module time of the
 * resulting mixed pipeline as the sum of the chosen p50s. The prediction does not include preprocessing or the
 * cost of moving tensors between stacks; the chained pipeline measures those.
 */
export function recommendAssignment(report: BenchReport, options: RecommendOptions = {}): AssignmentRecommendation {
  const shapes = options.shapes ?? reportShapes(report);
  const ofVariant = report.modules.filter((m) => moduleShapes(m) === shapes);
  const usable = ofVariant.filter((m) => options.allowPartialPlacement || isFullyPlaced(m));
  const modules = unique(ofVariant.map((m) => m.module));
  if (modules.length === 0) {
    throw new ToolkitError(
      'NO_MODULE_RESULTS',
      `The report has no per-module results (shapes ${shapes}) to recommend from.`,
      {
        remedy: 'Run `bench` with at least one stack that can run here, or name a shape variant the report ran.',
      },
    );
  }
  const perModule: ModuleChoice[] = modules.map((module) => {
    const candidates = usable
      .filter((m) => m.module === module)
      .map((m) => ({ stack: m.stack, p50Ms: m.latency.p50Ms }))
      .sort((a, b) => a.p50Ms - b.p50Ms);
    const best = candidates[0];
    if (!best) {
      throw new ToolkitError('NO_FULLY_PLACED_RESULT', `No result for ${module} ran fully on its requested provider.`, {
        remedy: 'Allow partial placement to consider those results, or run a stack that places every compute op.',
      });
    }
    return { module, stack: best.stack, p50Ms: best.p50Ms, candidates };
  });

  const assignment = Object.fromEntries(perModule.map((c) => [c.module, c.stack]));
  const singleStack = unique(usable.map((m) => m.stack))
    .map((stack) => ({ stack, results: usable.filter((m) => m.stack === stack) }))
    .filter(({ results }) => modules.every((module) => results.some((m) => m.module === module)))
    .map(({ stack }) => ({
      stack,
      predictedFrameMs: predictFrameMs(report, uniformAssignment(modules, stack), shapes),
    }))
    .sort((a, b) => a.predictedFrameMs - b.predictedFrameMs);
  const caveats = ['Sum of isolated module medians: excludes preprocessing and copies between stacks.'];
  if (unique(Object.values(assignment)).length > 1) {
    caveats.push('Modules on different stacks exchange tensors through host memory; measure the chained pipeline.');
  }
  return {
    assignment,
    perModule,
    predictedFrameMs: perModule.reduce((sum, c) => sum + c.p50Ms, 0),
    singleStack,
    caveats,
    shapes,
  };
}

function uniformAssignment(modules: string[], stack: string): StackAssignment {
  return Object.fromEntries(modules.map((module) => [module, stack]));
}

/**
 * Predicted per-frame module time of a pipeline running each module on the given stack: the sum of those
 * p50s from the report, of one shape variant (default `reportShapes(report)`). Throws, naming the pair, when the
 * report has no result for a module on its stack.
 */
export function predictFrameMs(
  report: BenchReport,
  assignment: StackAssignment,
  shapes: ShapeVariantName = reportShapes(report),
): number {
  let total = 0;
  for (const [module, stack] of Object.entries(assignment)) {
    const result = report.modules.find((m) => m.module === module && m.stack === stack && moduleShapes(m) === shapes);
    if (!result) {
      throw new ToolkitError('NO_RESULT_FOR_ASSIGNMENT', `The report has no result for ${module} on ${stack}.`, {
        remedy: `Run bench with --stack ${stack} for ${module}, or assign ${module} to a stack the report measured.`,
      });
    }
    total += result.latency.p50Ms;
  }
  return total;
}
