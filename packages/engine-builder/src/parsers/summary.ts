import { parseError } from './common.js';

/** min/max/mean/median and whatever percentiles trtexec was asked for (--percentile), in ms. */
export interface TimingStats {
  min: number;
  max: number;
  mean: number;
  median: number;
  /** Keyed by the percentile as printed, e.g. `{ "90": 1.2, "99.9": 1.5 }`. */
  percentiles: Record<string, number>;
}

/** trtexec's `=== Performance summary ===` block. */
export interface PerformanceSummary {
  /** Queries per second. */
  throughputQps: number;
  latency: TimingStats;
  enqueueTime: TimingStats;
  h2dLatency: TimingStats;
  gpuComputeTime: TimingStats;
  d2hLatency: TimingStats;
  totalHostWalltimeS?: number;
  totalGpuComputeTimeS?: number;
  /** From the prolog lines, when present. */
  warmupQueries?: number;
  timedQueries?: number;
}

const NUM = String.raw`[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)`;
const STAT_LINES = {
  latency: 'Latency',
  enqueueTime: 'Enqueue Time',
  h2dLatency: 'H2D Latency',
  gpuComputeTime: 'GPU Compute Time',
  d2hLatency: 'D2H Latency',
} as const;

function toNumber(text: string): number {
  const t = text.toLowerCase().replace(/^\+/, '');
  if (t === 'nan' || t === '-nan') return Number.NaN;
  if (t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  return Number(t);
}

/** Strips the `[11/27/2026-02:08:07] [I] ` prefixes trtexec puts before each line. */
function stripPrefix(line: string): string {
  return line.replace(/^(\[[^\]]*\]\s*)*/, '').trim();
}

function parseStats(body: string, label: string): TimingStats {
  const field = (name: string) => {
    const m = new RegExp(`(?:^|,\\s*)${name} = (${NUM}) ms`).exec(body);
    if (!m) throw parseError('trtexec performance summary', `"${label}" has no "${name}" value`);
    return toNumber(m[1]!);
  };
  const percentiles: Record<string, number> = {};
  for (const m of body.matchAll(new RegExp(`percentile\\((${NUM})%\\) = (${NUM}) ms`, 'g'))) {
    percentiles[String(toNumber(m[1]!))] = toNumber(m[2]!);
  }
  return { min: field('min'), max: field('max'), mean: field('mean'), median: field('median'), percentiles };
}

/**
 * Parses the performance summary trtexec prints after timing an engine. Lines may carry trtexec's `[date] [I]`
 * prefixes; the percentiles are whatever --percentile asked for. Throws a clear error when the block is missing
 * (the run failed, or ran with --skipInference) or truncated.
 */
export function parsePerformanceSummary(log: string): PerformanceSummary {
  const lines = log.split(/\r?\n/).map(stripPrefix);
  const start = lines.lastIndexOf('=== Performance summary ===');
  if (start < 0) {
    throw parseError(
      'trtexec performance summary',
      'no "=== Performance summary ===" block (the run failed, or used --skipInference)',
    );
  }
  const block = lines.slice(start + 1);
  const find = (label: string) => block.find((l) => l.startsWith(`${label}: `))?.slice(label.length + 2);
  const throughput = find('Throughput');
  const tm = throughput ? new RegExp(`^(${NUM}) qps`).exec(throughput) : null;
  if (!tm) throw parseError('trtexec performance summary', 'no "Throughput: N qps" line (the log may be truncated)');
  const stats = {} as Record<keyof typeof STAT_LINES, TimingStats>;
  for (const [key, label] of Object.entries(STAT_LINES) as [keyof typeof STAT_LINES, string][]) {
    const body = find(label);
    if (body === undefined)
      throw parseError('trtexec performance summary', `no "${label}:" line (the log may be truncated)`);
    stats[key] = parseStats(body, label);
  }
  const seconds = (label: string) => {
    const body = find(label);
    const m = body ? new RegExp(`^(${NUM}) s`).exec(body) : null;
    return m ? toNumber(m[1]!) : undefined;
  };
  const summary: PerformanceSummary = { throughputQps: toNumber(tm[1]!), ...stats };
  const walltime = seconds('Total Host Walltime');
  const gpuTotal = seconds('Total GPU Compute Time');
  if (walltime !== undefined) summary.totalHostWalltimeS = walltime;
  if (gpuTotal !== undefined) summary.totalGpuComputeTimeS = gpuTotal;
  const prolog = lines.slice(0, start);
  const warm = prolog
    .map((l) => /^Warmup completed (\d+) queries/.exec(l))
    .filter(Boolean)
    .pop();
  const timed = prolog
    .map((l) => /^Timing trace has (\d+) queries/.exec(l))
    .filter(Boolean)
    .pop();
  if (warm) summary.warmupQueries = Number(warm[1]);
  if (timed) summary.timedQueries = Number(timed[1]);
  return summary;
}
