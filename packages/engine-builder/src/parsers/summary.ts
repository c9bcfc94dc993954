import { emptyFileError, type LogLine, logLines } from './common.js';
import { parseError } from './errors.js';
import { type PerformanceWarning, performanceWarnings } from './summary-warnings.js';

/** min/max/mean/median and whatever percentiles trtexec was asked for (--percentile), in ms. */
export interface TimingStats {
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Keyed by the percentile as printed, e.g. `{ "90": 1.2, "99.9": 1.5 }`. */
  percentiles: Record<string, number>;
}

/** trtexec's `=== Performance summary ===` block (TensorRT 8.0 and later). */
export interface PerformanceSummary {
  /** Queries per second. */
  throughputQps: number;
  latency: TimingStats;
  enqueueTime: TimingStats;
  h2dLatency: TimingStats;
  gpuComputeTime: TimingStats;
  d2hLatency: TimingStats;
  totalHostWalltimeS: number;
  totalGpuComputeTimeS: number;
  /**
   * The `[W] * ...` notes trtexec prints after the summary: GPU compute time unstable (with its coefficient of
   * variation), throughput bound by enqueue time or by transfers, several inference streams.
   */
  warnings: PerformanceWarning[];
  /** From the prolog lines, when present. */
  warmupQueries?: number;
  timedQueries?: number;
  /** 1-based line of the `=== Performance summary ===` header. */
  line: number;
}

export type { PerformanceWarning } from './summary-warnings.js';

const NUM = String.raw`[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)`;
const STAT_LINES = {
  latency: 'Latency',
  enqueueTime: 'Enqueue Time',
  h2dLatency: 'H2D Latency',
  gpuComputeTime: 'GPU Compute Time',
  d2hLatency: 'D2H Latency',
} as const;
// One whole statistics line as sampleReporting.cpp prints it; anything shorter was cut off.
const STATS_LINE = new RegExp(
  `^min = (${NUM}) ms, max = (${NUM}) ms, mean = (${NUM}) ms, median = (${NUM}) ms((?:, percentile\\(${NUM}%\\) = ${NUM} ms)*)$`,
);

function toNumber(text: string): number {
  const t = text.toLowerCase().replace(/^\+/, '');
  if (t === 'nan' || t === '-nan') return Number.NaN;
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(t);
}

function cutOff(line: LogLine, label: string, what: string): never {
  throw parseError(
    'summary',
    `the "${label}" line is cut off or malformed (expected ${what}): "${line.text}"; the log may be truncated`,
    line.n,
  );
}

function parseStats(line: LogLine, label: string): TimingStats {
  const body = line.text.slice(label.length + 2);
  const m = STATS_LINE.exec(body);
  if (!m) cutOff(line, label, '"min = ... ms, max = ..., mean = ..., median = ..." and the percentiles, each in ms');
  const percentiles: Record<string, number> = {};
  for (const p of m[5]!.matchAll(new RegExp(`percentile\\((${NUM})%\\) = (${NUM}) ms`, 'g'))) {
    percentiles[String(toNumber(p[1]!))] = toNumber(p[2]!);
  }
  return {
    min: toNumber(m[1]!),
    max: toNumber(m[2]!),
    mean: toNumber(m[3]!),
    median: toNumber(m[4]!),
    percentiles,
  };
}

/**
 * Parses the performance summary trtexec prints after timing an engine (the last one, when a log holds several).
 * Lines may carry trtexec's `[date] [I]` prefixes; the percentiles are whatever --percentile asked for. Every
 * line of the block must be whole and present, and every statistic must report the same percentiles: a
 * truncated or damaged summary is a `TrtexecParseError` naming the line, never a partial result.
 */
export function parsePerformanceSummary(log: string): PerformanceSummary {
  if (log.trim().length === 0) throw emptyFileError('summary');
  const lines = logLines(log);
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.text === '=== Performance summary ===') {
      start = i;
      break;
    }
  }
  if (start < 0) {
    throw parseError('summary', 'no "=== Performance summary ===" block (the run failed, or used --skipInference)');
  }
  const header = lines[start]!;
  // The summary runs until trtexec starts explaining the metrics (whose verbose lines reuse the same labels).
  const after = lines.slice(start + 1);
  const end = after.findIndex((l) => /Explanations of the performance metrics/.test(l.text));
  const block = end < 0 ? after : after.slice(0, end);
  const lastLine = lines.filter((l) => l.raw.trim().length > 0).pop()!.n;
  const find = (label: string): LogLine => {
    const line = block.find((l) => l.text.startsWith(`${label}:`));
    if (!line) {
      throw parseError(
        'summary',
        `the summary that starts at line ${header.n} has no "${label}:" line; the log ends at line ${lastLine}, it is truncated`,
        lastLine,
      );
    }
    return line;
  };

  const throughputLine = find('Throughput');
  const tm = new RegExp(`^Throughput: (${NUM}) qps$`).exec(throughputLine.text);
  if (!tm) cutOff(throughputLine, 'Throughput', '"N qps"');
  const stats = {} as Record<keyof typeof STAT_LINES, TimingStats>;
  let reference: { label: string; keys: string } | undefined;
  for (const [key, label] of Object.entries(STAT_LINES) as [keyof typeof STAT_LINES, string][]) {
    const line = find(label);
    stats[key] = parseStats(line, label);
    // trtexec prints the same percentiles on every line; a line with fewer lost its tail.
    const keys = Object.keys(stats[key].percentiles).join(',');
    if (reference && keys !== reference.keys) {
      throw parseError(
        'summary',
        `"${label}" reports percentiles [${keys}] but "${reference.label}" reports [${reference.keys}]; the line is damaged`,
        line.n,
      );
    }
    reference ??= { label, keys };
  }
  const seconds = (label: string): number => {
    const line = find(label);
    const m = new RegExp(`^${label}: (${NUM}) s$`).exec(line.text);
    if (!m) cutOff(line, label, '"N s"');
    return toNumber(m[1]!);
  };
  const summary: PerformanceSummary = {
    throughputQps: toNumber(tm[1]!),
    ...stats,
    totalHostWalltimeS: seconds('Total Host Walltime'),
    totalGpuComputeTimeS: seconds('Total GPU Compute Time'),
    warnings: performanceWarnings(block),
    line: header.n,
  };
  const prolog = lines.slice(0, start);
  const last = (re: RegExp) =>
    prolog
      .map((l) => re.exec(l.text))
      .filter(Boolean)
      .pop();
  const warm = last(/^Warmup completed (\d+) queries/);
  const timed = last(/^Timing trace has (\d+) queries/);
  if (warm) summary.warmupQueries = Number(warm[1]);
  if (timed) summary.timedQueries = Number(timed[1]);
  return summary;
}
