import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsingFile } from './parsers/errors.js';
import { type ExportedTensor, parseExportOutput } from './parsers/output.js';
import { type EngineProfile, parseExportProfile } from './parsers/profile.js';
import { type PerformanceSummary, parsePerformanceSummary } from './parsers/summary.js';
import { type IterationTiming, parseExportTimes } from './parsers/times.js';
import { type RunEngineOptions, runTrtexecArgs } from './trtexec/run-args.js';
import { formatCommandLine } from './trtexec/spec.js';
import { resolveTrtexec, runTrtexec, type TrtexecLocation } from './trtexec/trtexec.js';

/** Options of `timeEngine`. */
export interface TimeEngineOptions
  extends Omit<RunEngineOptions, 'exportTimesPath' | 'exportProfilePath' | 'exportOutputPath'>,
    TrtexecLocation {
  /** Also export and parse the per-layer profile (a separate profiling pass). Default false. */
  profile?: boolean;
  /** Also export and parse the output tensors. Default false. */
  outputs?: boolean;
  timeoutMs?: number;
  onLine?: (line: string) => void;
}

/** What one timing run of an engine produced. */
export interface EngineTiming {
  command: string;
  summary: PerformanceSummary;
  /** Every timed iteration (from --exportTimes). */
  iterations: IterationTiming[];
  profile?: EngineProfile;
  outputs?: ExportedTensor[];
  /** trtexec's full output. */
  log: string;
}

async function parseExport<T>(file: string, parse: (text: string) => T): Promise<T> {
  const text = await readFile(file, 'utf8');
  return parsingFile(file, () => parse(text));
}

/**
 * Loads an engine with trtexec, times it, and returns the parsed performance summary, per-iteration timings and,
 * on request, the layer profile and output tensors. Export files go to a private temporary directory.
 */
export async function timeEngine(enginePath: string, options: TimeEngineOptions = {}): Promise<EngineTiming> {
  const work = await mkdtemp(join(tmpdir(), 'engine-builder-run-'));
  try {
    const paths = {
      exportTimesPath: join(work, 'times.json'),
      ...(options.profile ? { exportProfilePath: join(work, 'profile.json') } : {}),
      ...(options.outputs ? { exportOutputPath: join(work, 'outputs.json') } : {}),
    };
    const args = runTrtexecArgs(enginePath, { ...options, ...paths });
    const result = await runTrtexec(args, {
      ...(options.trtexec ? { trtexec: options.trtexec } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.onLine ? { onLine: (line: string) => options.onLine?.(line) } : {}),
    });
    const timing: EngineTiming = {
      command: formatCommandLine(resolveTrtexec(options), args),
      summary: parsePerformanceSummary(result.output),
      iterations: await parseExport(paths.exportTimesPath, parseExportTimes),
      log: result.output,
    };
    if (paths.exportProfilePath) timing.profile = await parseExport(paths.exportProfilePath, parseExportProfile);
    if (paths.exportOutputPath) timing.outputs = await parseExport(paths.exportOutputPath, parseExportOutput);
    return timing;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
