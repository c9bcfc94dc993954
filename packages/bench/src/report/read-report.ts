import { readFile } from 'node:fs/promises';
import { ToolkitError } from '@tamkit/common';
import { BENCH_REPORT_KIND, BENCH_SCHEMA_VERSION, type BenchReport } from './schema.js';

const LATENCY_FIELDS = ['samples', 'minMs', 'meanMs', 'p50Ms', 'p90Ms', 'p99Ms', 'maxMs', 'stdMs', 'cv'] as const;

/** Thrown for a report that cannot be used; `where` names the file (or "input") and the JSON path. */
function invalid(source: string, path: string, problem: string): ToolkitError {
  return new ToolkitError('REPORT_INVALID', `${source}: ${path} ${problem}.`, {
    remedy: 'Pass a file written by `bench --json` (or regenerate it with the current bench).',
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectRecord(value: unknown, source: string, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw invalid(source, path, 'must be an object');
  return value;
}

function expectArray(value: unknown, source: string, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(source, path, 'must be an array');
  return value;
}

function expectString(value: unknown, source: string, path: string): void {
  if (typeof value !== 'string' || value.length === 0) throw invalid(source, path, 'must be a non-empty string');
}

function expectLatency(value: unknown, source: string, path: string): void {
  const stats = expectRecord(value, source, path);
  for (const field of LATENCY_FIELDS) {
    const number = stats[field];
    if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
      throw invalid(source, `${path}.${field}`, 'must be a finite, non-negative number');
    }
  }
  const { samplesMs, sampleRounds } = stats;
  if (samplesMs !== undefined) {
    const values = expectArray(samplesMs, source, `${path}.samplesMs`);
    const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0);
    if (bad >= 0) throw invalid(source, `${path}.samplesMs[${bad}]`, 'must be a finite, non-negative number');
  }
  if (sampleRounds !== undefined) {
    const rounds = expectArray(sampleRounds, source, `${path}.sampleRounds`);
    if (!Array.isArray(samplesMs) || rounds.length !== samplesMs.length) {
      throw invalid(source, `${path}.sampleRounds`, 'must have one round index per entry of samplesMs');
    }
    const bad = rounds.findIndex((v) => !Number.isInteger(v) || (v as number) < 0);
    if (bad >= 0) throw invalid(source, `${path}.sampleRounds[${bad}]`, 'must be a non-negative integer');
  }
}

/**
 * Checks that `value` is a BenchReport this version can read and returns it typed. Refuses another `kind` or an
 * unknown `schemaVersion` first, with a message saying which was found, then checks the fields that reports,
 * compare and the recommendation rely on. `source` names the input in error messages (usually the file path).
 */
export function parseBenchReport(value: unknown, source = 'input'): BenchReport {
  const root = expectRecord(value, source, '(root)');
  if (root.kind !== BENCH_REPORT_KIND) {
    throw new ToolkitError(
      'REPORT_KIND',
      `${source} is not a bench report: kind is ${JSON.stringify(root.kind)}, expected "${BENCH_REPORT_KIND}".`,
      { remedy: 'Pass a file written by `bench --json`.' },
    );
  }
  if (root.schemaVersion !== BENCH_SCHEMA_VERSION) {
    throw new ToolkitError(
      'REPORT_SCHEMA_VERSION',
      `${source} has schemaVersion ${JSON.stringify(root.schemaVersion)}; this bench reads version ${BENCH_SCHEMA_VERSION} only.`,
      { remedy: 'Regenerate the report with this version of bench, or use the bench version that wrote it.' },
    );
  }
  expectString(root.createdAt, source, 'createdAt');
  const environment = expectRecord(root.environment, source, 'environment');
  expectString(environment.node, source, 'environment.node');
  expectString(environment.os, source, 'environment.os');
  const cpu = expectRecord(environment.cpu, source, 'environment.cpu');
  expectString(cpu.model, source, 'environment.cpu.model');
  if (environment.gpu !== undefined) {
    expectString(expectRecord(environment.gpu, source, 'environment.gpu').name, source, 'environment.gpu.name');
  }

  expectArray(root.modules, source, 'modules').forEach((entry, i) => {
    const module = expectRecord(entry, source, `modules[${i}]`);
    expectString(module.stack, source, `modules[${i}].stack`);
    expectString(module.module, source, `modules[${i}].module`);
    expectLatency(module.latency, source, `modules[${i}].latency`);
    if (module.notes !== undefined) expectArray(module.notes, source, `modules[${i}].notes`);
    if (module.shapes !== undefined && !['original', 'pinned', 'static'].includes(module.shapes as string)) {
      throw invalid(source, `modules[${i}].shapes`, 'must be "original", "pinned" or "static"');
    }
    if (module.placement !== undefined) {
      const placement = expectRecord(module.placement, source, `modules[${i}].placement`);
      expectArray(placement.providers, source, `modules[${i}].placement.providers`);
    }
  });
  expectArray(root.pipelines, source, 'pipelines').forEach((entry, i) => {
    const pipeline = expectRecord(entry, source, `pipelines[${i}]`);
    expectRecord(pipeline.stacks, source, `pipelines[${i}].stacks`);
    expectString(pipeline.variant, source, `pipelines[${i}].variant`);
    expectLatency(pipeline.perFrame, source, `pipelines[${i}].perFrame`);
    const stages = expectRecord(pipeline.perStage, source, `pipelines[${i}].perStage`);
    for (const [stage, stats] of Object.entries(stages))
      expectLatency(stats, source, `pipelines[${i}].perStage.${stage}`);
  });
  if (root.unavailable !== undefined) expectArray(root.unavailable, source, 'unavailable');
  if (root.interleaved !== undefined) {
    const run = expectRecord(root.interleaved, source, 'interleaved');
    expectString(run.id, source, 'interleaved.id');
    if (run.side !== 'baseline' && run.side !== 'current') {
      throw invalid(source, 'interleaved.side', 'must be "baseline" or "current"');
    }
  }
  return root as unknown as BenchReport;
}

/** Reads and validates a BenchReport JSON file (see `parseBenchReport` for what is refused). */
export async function readBenchReport(path: string): Promise<BenchReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ToolkitError('REPORT_NOT_FOUND', `Cannot read bench report ${path}: ${reason}.`, {
      remedy: 'Check the path; `bench --json FILE` writes a report.',
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ToolkitError('REPORT_INVALID', `${path} is not valid JSON: ${(error as Error).message}.`, {
      remedy: 'Pass a file written by `bench --json`; a truncated file means the run that wrote it was interrupted.',
      cause: error,
    });
  }
  return parseBenchReport(json, path);
}
