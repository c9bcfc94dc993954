import { collectEnvironment } from '../measure/environment.js';
import { BENCH_REPORT_KIND, BENCH_SCHEMA_VERSION, type BenchReport } from '../report/schema.js';
import { StackUnavailableError } from '../stacks/errors.js';
import { type PipelineRunOptions, runPipeline } from './run-pipeline.js';

/** Options of `benchPipeline`: one or more pipeline runs (e.g. baked and unbaked variants) in one report. */
export interface BenchPipelineOptions {
  runs: readonly PipelineRunOptions[];
  /** Free-form label stored in the report (e.g. the CI runner name). */
  label?: string;
}

/**
 * Runs each pipeline and gathers them, with their isolated module results and the environment, into one
 * BenchReport (what `bench pipeline --json` writes and `bench compare` reads). A run whose stack cannot load here
 * is listed under `unavailable` with the reason and remedy; the others still run.
 */
export async function benchPipeline(options: BenchPipelineOptions): Promise<BenchReport> {
  const createdAt = new Date().toISOString();
  const report: Pick<BenchReport, 'modules' | 'pipelines' | 'unavailable'> = {
    modules: [],
    pipelines: [],
    unavailable: [],
  };
  for (const run of options.runs) {
    try {
      const { result, modules } = await runPipeline(run);
      report.pipelines.push(result);
      report.modules.push(...modules.map((m) => ({ ...m, notes: [...m.notes, `pipeline variant ${result.variant}`] })));
    } catch (error) {
      if (!(error instanceof StackUnavailableError)) throw error;
      report.unavailable.push({ stack: error.stackName, reason: error.reason, remedy: error.remedy ?? '' });
    }
  }
  // After the runs: the GPU libraries a session loaded are part of the environment.
  const threads = options.runs[0]?.threads;
  return {
    kind: BENCH_REPORT_KIND,
    schemaVersion: BENCH_SCHEMA_VERSION,
    createdAt,
    ...(options.label === undefined ? {} : { label: options.label }),
    environment: await collectEnvironment(threads === undefined ? {} : { threads }),
    ...report,
  };
}
