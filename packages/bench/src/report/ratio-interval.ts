import { SeededRandom } from '@tamkit/common';
import { median, probit, quantile, quantileSorted, sampleWithReplacement } from 'simple-statistics';
import type { LatencyStats } from './schema.js';

/** Default confidence (of a whole comparison: `compareReports` splits it among the pairs it judges). */
export const DEFAULT_CONFIDENCE = 0.99;
/** Default number of bootstrap resamples: enough for stable 2.5% / 97.5% percentiles. */
export const DEFAULT_RESAMPLES = 2000;
/**
 * Default quantile the verdicts compare: the lower quartile. CPU contention (another process taking the core,
 * the scheduler preempting a run) only ever adds time to a run, so it fattens the upper part of a latency
 * distribution and moves its median by whatever share of runs it hit, while a change to the model moves every
 * run. A low quantile follows the change and stays put under load; 0.5 compares medians. On the loaded 2-core
 * development VM (`npm run bench:verdicts`, 20 trials each) p25 found a 20% slowdown in 20 of 20 interleaved
 * trials and p10 in 17, neither calling an A/A pair a regression.
 */
export const DEFAULT_QUANTILE = 0.25;
/** Fewer samples than this on a side and no interval is computed: the pair is too noisy to judge. */
export const MIN_SAMPLES = 5;

/** How an interval was computed. */
export type IntervalMethod = 'paired-rounds' | 'bootstrap' | 'normal-approximation';

/**
 * The ratio of a quantile of the current samples to the same quantile of the baseline (above 1: slower), with a
 * confidence interval around it.
 */
export interface RatioInterval {
  ratio: number;
  /** The quantile compared (0.5: medians). */
  quantile: number;
  low: number;
  high: number;
  method: IntervalMethod;
}

/** Options of the interval functions. */
export interface IntervalOptions {
  /** Two-sided confidence level in (0, 1). Default `DEFAULT_CONFIDENCE` (0.99). */
  confidence?: number;
  /** Bootstrap resamples. Default `DEFAULT_RESAMPLES` (2000). */
  resamples?: number;
  /** Seed of the resampling, so that one input always gives one interval. Default 1. */
  seed?: number;
  /** The quantile compared, in (0, 1). Default `DEFAULT_QUANTILE` (0.25); 0.5 compares medians. */
  quantile?: number;
}

function settings(options: IntervalOptions): {
  alpha: number;
  resamples: number;
  random: () => number;
  statistic: (x: number[]) => number;
  q: number;
} {
  const q = options.quantile ?? DEFAULT_QUANTILE;
  if (!(q > 0 && q < 1)) throw new RangeError(`quantile must be in (0, 1), got ${q}`);
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!(Number.isInteger(resamples) && resamples >= 100)) {
    throw new RangeError(`resamples must be an integer >= 100, got ${resamples}`);
  }
  const rng = new SeededRandom(options.seed ?? 1);
  return { alpha: 1 - confidence, resamples, random: () => rng.next(), statistic: (x) => quantile(x, q), q };
}

function percentileInterval(
  ratio: number,
  ratios: number[],
  alpha: number,
  q: number,
  method: IntervalMethod,
): RatioInterval {
  ratios.sort((a, b) => a - b);
  const [low, high] = [quantileSorted(ratios, alpha / 2), quantileSorted(ratios, 1 - alpha / 2)];
  return { ratio, quantile: q, low, high, method };
}

function checkSamples(samples: readonly number[], side: string): void {
  if (samples.length < MIN_SAMPLES) {
    throw new RangeError(`${side}: at least ${MIN_SAMPLES} samples are needed, got ${samples.length}`);
  }
}

/**
 * Percentile bootstrap interval of quantile(current) / quantile(baseline) for two independent runs: each resample
 * draws both sides with replacement. Within-run samples are treated as independent, so a drift between the two
 * runs (the machine's load changed) is not in this interval: `compareReports` adds what its controls measured.
 */
export function bootstrapRatio(
  baseline: readonly number[],
  current: readonly number[],
  options: IntervalOptions = {},
): RatioInterval {
  checkSamples(baseline, 'baseline');
  checkSamples(current, 'current');
  const { alpha, resamples, random, statistic, q } = settings(options);
  const [base, cur] = [[...baseline], [...current]];
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i += 1) {
    ratios.push(
      statistic(sampleWithReplacement(cur, cur.length, random)) /
        statistic(sampleWithReplacement(base, base.length, random)),
    );
  }
  return percentileInterval(statistic(cur) / statistic(base), ratios, alpha, q, 'bootstrap');
}

/** The samples of one round on both sides of an interleaved run. */
export interface PairedRound {
  baseline: readonly number[];
  current: readonly number[];
}

/**
 * Interval of the ratio for an interleaved run. Each round gives its own ratio of quantiles (both sides ran
 * within moments of each other, so a slowdown of the whole machine during the round hit both: it cancels in the
 * ratio); the estimate is the median of the round ratios, which a round where the load changed midway cannot
 * pull. The interval is a cluster bootstrap: whole rounds drawn with replacement (the spread between rounds holds
 * the spread within them). Rounds lacking a side are left out.
 */
export function pairedRoundsRatio(rounds: readonly PairedRound[], options: IntervalOptions = {}): RatioInterval {
  const usable = rounds.filter((r) => r.baseline.length > 0 && r.current.length > 0);
  if (usable.length < 2) {
    throw new RangeError(`rounds: at least 2 rounds with both sides are needed, got ${usable.length}`);
  }
  checkSamples(
    usable.flatMap((r) => r.baseline),
    'baseline',
  );
  checkSamples(
    usable.flatMap((r) => r.current),
    'current',
  );
  const { alpha, resamples, random, statistic, q } = settings(options);
  const roundRatios = usable.map((r) => statistic([...r.current]) / statistic([...r.baseline]));
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i += 1) {
    ratios.push(median(sampleWithReplacement(roundRatios, roundRatios.length, random)));
  }
  return percentileInterval(median(roundRatios), ratios, alpha, q, 'paired-rounds');
}

/**
 * Interval from summary statistics alone, for reports written before samples were kept: medians always (the
 * summary has no other quantile to compare), with the median's standard error sqrt(pi / 2) * std / sqrt(n)
 * (normal samples), combined on the log scale.
 */
export function normalApproximationRatio(
  baseline: LatencyStats,
  current: LatencyStats,
  options: Pick<IntervalOptions, 'confidence'> = {},
): RatioInterval {
  if (baseline.samples < MIN_SAMPLES || current.samples < MIN_SAMPLES) {
    throw new RangeError(
      `at least ${MIN_SAMPLES} samples per side are needed, got ${baseline.samples} and ${current.samples}`,
    );
  }
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  const relativeError = (s: LatencyStats) => (Math.sqrt(Math.PI / 2) * s.stdMs) / Math.sqrt(s.samples) / s.p50Ms;
  const spread = probit(1 - (1 - confidence) / 2) * Math.hypot(relativeError(baseline), relativeError(current));
  const ratio = current.p50Ms / baseline.p50Ms;
  const [low, high] = [ratio * Math.exp(-spread), ratio * Math.exp(spread)];
  return { ratio, quantile: 0.5, low, high, method: 'normal-approximation' };
}

/** Groups samples by round index: one entry per round present on either side, in round order. */
export function pairRounds(
  baseline: { samplesMs: readonly number[]; sampleRounds: readonly number[] },
  current: { samplesMs: readonly number[]; sampleRounds: readonly number[] },
): PairedRound[] {
  const rounds = new Map<number, { baseline: number[]; current: number[] }>();
  const add = (side: 'baseline' | 'current', samples: readonly number[], index: readonly number[]) => {
    samples.forEach((sample, i) => {
      const round = index[i]!;
      if (!rounds.has(round)) rounds.set(round, { baseline: [], current: [] });
      rounds.get(round)![side].push(sample);
    });
  };
  add('baseline', baseline.samplesMs, baseline.sampleRounds);
  add('current', current.samplesMs, current.sampleRounds);
  return [...rounds.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
}
