import { UsageError } from '@tamkit/common';
import { environmentFields } from './environment-diff.js';
import { pipelineLabel } from './labels.js';
import { type BenchReport, type Environment, type ModuleResult, moduleShapes } from './schema.js';

export const COMBINED_REPORT_KIND = 'tamkit-bench-combined' as const;
export const COMBINED_SCHEMA_VERSION = 1 as const;

/** One runner (machine, GPU kind) whose report was combined. */
export interface CombinedRunner {
  /** Column name: the given label, else the report's label, else the GPU name, else the host name. */
  label: string;
  /** The file the report came from. */
  source: string;
  createdAt: string;
  environment: Environment;
}

/** One runner's number for a row; `null` where that runner did not measure it. */
export interface CombinedCell {
  p50Ms: number;
  p90Ms: number;
  cv: number;
  samples: number;
  /** p50 over the fastest runner's p50 in this row (1 for the fastest). */
  vsFastest: number;
}

/** A stack and module measured on several runners, side by side. */
export interface CombinedModuleRow {
  stack: string;
  module: string;
  /** One cell per runner, in runner order. */
  cells: (CombinedCell | null)[];
  /** Label of the fastest runner (lowest p50). */
  fastest: string;
  /** False when the runners timed different model files (SHA-256 differs): then the row compares more than GPUs. */
  sameModel: boolean;
}

/** A tracking pipeline measured on several runners. */
export interface CombinedPipelineRow {
  pipeline: string;
  cells: ({ frameP50Ms: number; fps: number; vsFastest: number } | null)[];
  fastest: string;
}

/** Several runners' reports side by side: the "which GPU" table. */
export interface CombinedReport {
  kind: typeof COMBINED_REPORT_KIND;
  schemaVersion: typeof COMBINED_SCHEMA_VERSION;
  runners: CombinedRunner[];
  /** Environment fields (those that make timings incomparable) with the value on each runner, where they differ. */
  differences: { field: string; values: string[] }[];
  modules: CombinedModuleRow[];
  pipelines: CombinedPipelineRow[];
  /** What the reader must know (different models under one row, a runner that measured nothing). */
  warnings: string[];
}

/** A report and where it came from, with an optional column label. */
export interface CombineInput {
  report: BenchReport;
  source: string;
  label?: string;
}

function runnerLabels(inputs: readonly CombineInput[]): string[] {
  const base = inputs.map(
    (i) => i.label ?? i.report.label ?? i.report.environment.gpu?.name ?? i.report.environment.hostname,
  );
  // Two H200 runners stay two columns: a repeated label gets #2, #3.
  const seen = new Map<string, number>();
  return base.map((label) => {
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return n === 1 ? label : `${label} #${n}`;
  });
}

function keyed<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  return new Map(items.map((item) => [key(item), item]));
}

/**
 * Combines bench reports from several runners (GPU kinds, machines) into one side-by-side table per stack and
 * module, and per pipeline, with each runner's environment. Unlike `compareReports` it passes no verdict, so it
 * accepts different environments: they are the point, and they are listed. Rows keep the order of first
 * appearance; a runner that did not measure a row has a `null` cell.
 */
export function combineReports(inputs: readonly CombineInput[]): CombinedReport {
  if (inputs.length < 2) {
    throw new UsageError(
      `combine needs two or more reports, got ${inputs.length}.`,
      'Pass one `bench run -o` report per runner, e.g. bench combine h200.json l40s.json.',
    );
  }
  const labels = runnerLabels(inputs);
  const runners = inputs.map((input, i) => ({
    label: labels[i]!,
    source: input.source,
    createdAt: input.report.createdAt,
    environment: input.report.environment,
  }));
  const fields = inputs.map((i) => environmentFields(i.report.environment));
  const differences = fields[0]!.flatMap(({ field }, f) => {
    const values = fields.map((list) => list[f]!.value);
    return new Set(values).size > 1 ? [{ field, values }] : [];
  });
  const warnings: string[] = [];

  // A shape variant other than the original is a row of its own: "memory_attention [static]".
  const moduleKey = (m: ModuleResult) => {
    const shapes = moduleShapes(m);
    return `${m.stack}\u0000${m.module}${shapes === 'original' ? '' : ` [${shapes}]`}`;
  };
  const perRunner = inputs.map((i) => keyed(i.report.modules, moduleKey));
  const moduleKeys = [...new Set(inputs.flatMap((i) => i.report.modules.map(moduleKey)))];
  const modules = moduleKeys.map((key): CombinedModuleRow => {
    const results = perRunner.map((m) => m.get(key));
    const present = results.filter((r) => r !== undefined);
    const best = Math.min(...present.map((r) => r.latency.p50Ms));
    const fastest = labels[results.findIndex((r) => r?.latency.p50Ms === best)]!;
    const sameModel = new Set(present.map((r) => r.modelSha256)).size === 1;
    const [stack, module] = key.split('\u0000') as [string, string];
    if (!sameModel) warnings.push(`${stack} ${module}: the runners timed different model files (SHA-256 differs)`);
    return {
      stack,
      module,
      cells: results.map((r) =>
        r === undefined
          ? null
          : {
              p50Ms: r.latency.p50Ms,
              p90Ms: r.latency.p90Ms,
              cv: r.latency.cv,
              samples: r.latency.samples,
              vsFastest: best > 0 ? r.latency.p50Ms / best : 1,
            },
      ),
      fastest,
      sameModel,
    };
  });

  const pipelinesPerRunner = inputs.map((i) => keyed(i.report.pipelines, pipelineLabel));
  const pipelineKeys = [...new Set(inputs.flatMap((i) => i.report.pipelines.map(pipelineLabel)))];
  const pipelines = pipelineKeys.map((key): CombinedPipelineRow => {
    const results = pipelinesPerRunner.map((p) => p.get(key));
    const best = Math.min(...results.flatMap((r) => (r ? [r.perFrame.p50Ms] : [])));
    return {
      pipeline: key,
      cells: results.map((r) =>
        r === undefined
          ? null
          : { frameP50Ms: r.perFrame.p50Ms, fps: r.fps, vsFastest: best > 0 ? r.perFrame.p50Ms / best : 1 },
      ),
      fastest: labels[results.findIndex((r) => r?.perFrame.p50Ms === best)]!,
    };
  });
  for (const [i, input] of inputs.entries()) {
    if (input.report.modules.length === 0 && input.report.pipelines.length === 0) {
      warnings.push(`${labels[i]} (${input.source}) measured nothing`);
    }
  }
  return {
    kind: COMBINED_REPORT_KIND,
    schemaVersion: COMBINED_SCHEMA_VERSION,
    runners,
    differences,
    modules,
    pipelines,
    warnings,
  };
}
