import { UsageError } from '@tamkit/common';

/** One shard of a run: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` (1 <= i <= n), as given to `--shard`. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(
      `--shard "${text}" is not i/n with 1 <= i <= n.`,
      'Write e.g. --shard 2/4 for the second of four shards.',
    );
  }
  return { index, count };
}

/**
 * The sequences of one shard. Names are sorted first so every machine computes the same partition whatever
 * order it listed them in, then dealt round-robin so long and short sequences of one class spread over shards.
 * Every name lands in exactly one shard.
 */
export function selectShard(names: readonly string[], shard: Shard): string[] {
  const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.filter((_, i) => i % shard.count === shard.index - 1);
}
