import { ToolkitError } from '@tamkit/common';
import { shapeSpec, specName } from './spec.js';

/** How to time a built engine with trtexec. */
export interface RunEngineOptions {
  /** Input shapes for dynamic inputs (trtexec --shapes). */
  shapes?: Record<string, number[]>;
  /** Minimum number of timed iterations (trtexec --iterations). */
  iterations?: number;
  /** Warm-up time in ms (trtexec --warmUp). */
  warmUpMs?: number;
  /** Minimum timed duration in seconds (trtexec --duration). */
  durationS?: number;
  /** Percentiles the performance summary reports (trtexec --percentile). Default trtexec's (90,95,99). */
  percentiles?: number[];
  /** Capture the enqueue in a CUDA graph (trtexec --useCudaGraph). */
  useCudaGraph?: boolean;
  /** Skip host/device copies (trtexec --noDataTransfers). */
  noDataTransfers?: boolean;
  /** Write per-iteration timings here (trtexec --exportTimes). */
  exportTimesPath?: string;
  /** Write per-layer profile here (trtexec --exportProfile; runs a separate profiling pass). */
  exportProfilePath?: string;
  /** Write output tensors here (trtexec --exportOutput). */
  exportOutputPath?: string;
  /** Input files, raw binary, per input name (trtexec --loadInputs). */
  loadInputs?: Record<string, string>;
  device?: number;
  extraArgs?: readonly string[];
}

/** The trtexec argument array that loads an engine and times it. */
export function runTrtexecArgs(enginePath: string, options: RunEngineOptions = {}): string[] {
  const args = [`--loadEngine=${enginePath}`];
  if (options.shapes) args.push(`--shapes=${shapeSpec(options.shapes, '--shapes')}`);
  if (options.loadInputs && Object.keys(options.loadInputs).length > 0) {
    const entries = Object.entries(options.loadInputs).map(([name, file]) => {
      if (file.includes(',')) {
        throw new ToolkitError('INPUT_PATH_UNSUPPORTED', `Input file path ${JSON.stringify(file)} contains a comma`, {
          remedy: 'trtexec separates --loadInputs entries with commas; move the file to a path without one.',
        });
      }
      return `${specName(name, '--loadInputs')}:${file}`;
    });
    args.push(`--loadInputs=${entries.join(',')}`);
  }
  for (const [value, flag] of [
    [options.iterations, '--iterations'],
    [options.warmUpMs, '--warmUp'],
    [options.durationS, '--duration'],
  ] as const) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0) {
      throw new ToolkitError('RUN_OPTION_INVALID', `${flag} must be a non-negative number, got ${value}`, {
        remedy: `Fix ${flag}.`,
      });
    }
    args.push(`${flag}=${value}`);
  }
  if (options.percentiles && options.percentiles.length > 0) {
    if (options.percentiles.some((p) => !(p >= 0 && p <= 100))) {
      throw new ToolkitError(
        'RUN_OPTION_INVALID',
        `Percentiles must lie in [0, 100], got ${options.percentiles.join(',')}`,
        {
          remedy: 'Use values such as 50,90,99.',
        },
      );
    }
    args.push(`--percentile=${options.percentiles.join(',')}`);
  }
  if (options.useCudaGraph) args.push('--useCudaGraph');
  if (options.noDataTransfers) args.push('--noDataTransfers');
  if (options.exportTimesPath) args.push(`--exportTimes=${options.exportTimesPath}`);
  if (options.exportProfilePath) args.push('--separateProfileRun', `--exportProfile=${options.exportProfilePath}`);
  if (options.exportOutputPath) args.push(`--exportOutput=${options.exportOutputPath}`);
  if (options.device !== undefined) args.push(`--device=${options.device}`);
  args.push(...(options.extraArgs ?? []));
  return args;
}
