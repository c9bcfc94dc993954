/**
 * Adaptive group testing for "which candidates must stay FP32": given candidates c0..c(n-1) and a predicate
 * `passes(set)` (the module meets the tolerance when exactly the candidates in `set` stay FP32), find a small set
 * that passes and is 1-minimal (dropping any one member makes it fail).
 *
 * Any subset can come out, not only a prefix or suffix. Each round binary-searches the shortest prefix of the
 * remaining candidates that, added to the culprits found so far, passes; the last candidate of that prefix is a
 * culprit, and the remaining culprits lie before it. With a monotone predicate (more FP32 never hurts) that costs
 * ceil(log2 n) evaluations per culprit. A final pass drops each member once more, which guarantees 1-minimality
 * even where floating-point error is not quite monotone. Results of repeated sets are cached, not re-evaluated.
 */

/** Evaluates one candidate set (indices into the candidate list, ascending). True when it meets the tolerance. */
export type SetPredicate = (fp32: readonly number[]) => Promise<boolean>;

/** Options of `findMinimalSet`. */
export interface MinimalSetOptions {
  /**
   * Called after every (uncached) evaluation, for progress reports. `estimate` is how many evaluations the
   * search should need as far as it knows now: the budget for the culprits found so far plus the one it is
   * looking for (it grows as culprits are found, and is exact once the search ends).
   */
  onEvaluation?: (event: { evaluation: number; set: readonly number[]; passes: boolean; estimate: number }) => void;
}

/** Result of `findMinimalSet`. */
export interface MinimalSetResult {
  /** How the search ended: `found` (a passing set), or `unreachable` (even every candidate FP32 fails). */
  status: 'found' | 'unreachable';
  /** Candidate indices that must stay FP32, ascending (empty when nothing needs to, or when unreachable). */
  set: number[];
  /** Distinct sets evaluated (the cost of the search). */
  evaluations: number;
  /** Evaluation budget for the size of the set found and n (see `evaluationBudget`). */
  budget: number;
}

/**
 * Evaluations `findMinimalSet` may spend for k culprits among n candidates under a monotone predicate:
 * 2 (none FP32, all FP32) + per culprit one check and ceil(log2 n) bisection steps + k for the minimality pass.
 * That is at most `2 * k * ceil(log2 n) + 2` for n >= 4.
 */
export function evaluationBudget(k: number, n: number): number {
  if (!(Number.isInteger(k) && k >= 0 && Number.isInteger(n) && n >= 0 && k <= n)) {
    throw new RangeError(`evaluationBudget: need integers 0 <= k <= n, got k=${k}, n=${n}`);
  }
  const log = n > 1 ? Math.ceil(Math.log2(n)) : 0;
  return 2 + k * (log + 2);
}

/** Finds a 1-minimal set of candidates (indices in [0, n)) for which `passes` holds. */
export async function findMinimalSet(
  n: number,
  passes: SetPredicate,
  options: MinimalSetOptions = {},
): Promise<MinimalSetResult> {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`findMinimalSet: n must be an integer >= 0, got ${n}`);
  const cache = new Map<string, boolean>();
  let evaluations = 0;
  const culprits: number[] = [];
  const test = async (set: readonly number[]): Promise<boolean> => {
    const sorted = [...set].sort((a, b) => a - b);
    const key = sorted.join(',');
    const known = cache.get(key);
    if (known !== undefined) return known;
    const result = await passes(sorted);
    evaluations++;
    cache.set(key, result);
    const estimate = Math.max(evaluations, evaluationBudget(Math.min(n, culprits.length + 1), n));
    options.onEvaluation?.({ evaluation: evaluations, set: sorted, passes: result, estimate });
    return result;
  };
  const all = Array.from({ length: n }, (_, i) => i);
  const done = (status: MinimalSetResult['status'], set: number[]): MinimalSetResult => {
    const sorted = [...set].sort((a, b) => a - b);
    return { status, set: sorted, evaluations, budget: evaluationBudget(sorted.length, n) };
  };

  if (await test([])) return done('found', []);
  if (!(await test(all))) return done('unreachable', []);

  // Invariant: culprits + remaining passes (every shrink keeps a prefix just seen to pass), so the loop ends
  // at the latest when remaining is empty, even for a predicate that is not monotone.
  let remaining = all;
  while (!(await test(culprits))) {
    // Shortest prefix length m in [1, remaining.length] with culprits + remaining[0, m) passing.
    let lo = 0; // a failing prefix length (culprits alone fail: just tested)
    let hi = remaining.length; // a passing prefix length (the invariant)
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (await test([...culprits, ...remaining.slice(0, mid)])) hi = mid;
      else lo = mid;
    }
    culprits.push(remaining[hi - 1]!);
    remaining = remaining.slice(0, hi - 1);
  }

  // Minimality pass: drop each member once (cheap under monotonicity: k evaluations, usually cached misses).
  let set = [...culprits];
  for (const member of [...culprits]) {
    const without = set.filter((c) => c !== member);
    if (await test(without)) set = without;
  }
  return done('found', set);
}
