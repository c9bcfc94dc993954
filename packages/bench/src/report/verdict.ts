import { isDeepStrictEqual } from 'node:util';
import { formatPercent } from './labels.js';
import {
  bootstrapRatio,
  type IntervalOptions,
  MIN_SAMPLES,
  normalApproximationRatio,
  pairedRoundsRatio,
  pairRounds,
  type RatioInterval,
} from './ratio-interval.js';
import type { LatencyStats, ModuleResult } from './schema.js';

/** The verdicts a judged pair can get. */
export type JudgedVerdict = 'regression' | 'improvement' | 'unchanged' | 'too-noisy';

/** What `judgeRatio` decided, and from which interval. */
export interface Judgement {
  verdict: JudgedVerdict;
  /** The interval the verdict was read from: the pair's own, widened on both sides by the controls' drift. */
  low: number;
  high: number;
  /** One sentence saying why. */
  reason: string;
}

const ratioText = (r: number) => r.toFixed(3);

/**
 * The verdict for one ratio interval (current / baseline median; above 1: slower), with `minEffect` the smallest
 * relative change that counts and `driftLog` the drift between the runs the controls measured (|ln ratio|),
 * which widens the interval on both sides before it is read:
 * - regression: the widened interval lies above 1 and the ratio is at least 1 + minEffect;
 * - improvement: it lies below 1 and the ratio is at most 1 / (1 + minEffect);
 * - unchanged: it lies within [1 / (1 + minEffect), 1 + minEffect]: any change is smaller than the minimum;
 * - too noisy: anything else (it allows both "no change" and a change of at least the minimum).
 */
export function judgeRatio(interval: RatioInterval, minEffect: number, driftLog = 0): Judgement {
  if (!(minEffect >= 0 && minEffect < 1)) throw new RangeError(`minEffect must be in [0, 1), got ${minEffect}`);
  if (!(driftLog >= 0)) throw new RangeError(`driftLog must be >= 0, got ${driftLog}`);
  const low = interval.low * Math.exp(-driftLog);
  const high = interval.high * Math.exp(driftLog);
  const upper = 1 + minEffect;
  const lower = 1 / upper;
  const change = formatPercent(interval.ratio - 1, true);
  const range = `${ratioText(low)}-${ratioText(high)}`;
  const minimum = formatPercent(minEffect);
  if (low > 1 && interval.ratio >= upper) {
    return { verdict: 'regression', low, high, reason: `${change}: slower beyond the ${minimum} minimum (${range})` };
  }
  if (high < 1 && interval.ratio <= lower) {
    return { verdict: 'improvement', low, high, reason: `${change}: faster beyond the ${minimum} minimum (${range})` };
  }
  if (low >= lower && high <= upper) {
    return { verdict: 'unchanged', low, high, reason: `${change}: any change is within ${minimum} (${range})` };
  }
  return {
    verdict: 'too-noisy',
    low,
    high,
    reason: `${change}: ${range} allows both no change and a change beyond ${minimum}`,
  };
}

/**
 * A control: the same model bytes (SHA-256) on the same stack with the same options on both sides, so nothing
 * but the machine can make its two timings differ.
 */
export function isControlPair(baseline: ModuleResult, current: ModuleResult): boolean {
  return (
    baseline.stack === current.stack &&
    baseline.modelSha256.length > 0 &&
    baseline.modelSha256 === current.modelSha256 &&
    isDeepStrictEqual(baseline.options, current.options)
  );
}

/**
 * The interval of one pair's ratio from the best data both sides have: paired rounds when both were measured
 * in one interleaved run, else a bootstrap of the raw samples, else the normal approximation from the summary
 * statistics. Undefined (too noisy to judge) with fewer than `MIN_SAMPLES` samples on a side.
 */
export function ratioInterval(
  baseline: LatencyStats,
  current: LatencyStats,
  paired: boolean,
  options: IntervalOptions,
): RatioInterval | undefined {
  if (baseline.samples < MIN_SAMPLES || current.samples < MIN_SAMPLES) return undefined;
  const b = baseline.samplesMs;
  const c = current.samplesMs;
  if (paired && b && c && baseline.sampleRounds && current.sampleRounds) {
    const rounds = pairRounds(
      { samplesMs: b, sampleRounds: baseline.sampleRounds },
      { samplesMs: c, sampleRounds: current.sampleRounds },
    );
    if (rounds.filter((r) => r.baseline.length > 0 && r.current.length > 0).length >= 2) {
      return pairedRoundsRatio(rounds, options);
    }
  }
  if (b && c && b.length >= MIN_SAMPLES && c.length >= MIN_SAMPLES) return bootstrapRatio(b, c, options);
  return normalApproximationRatio(baseline, current, options);
}
