import { UsageError } from '@tamkit/common';

/** One shard of a run: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** A sequence and its length, what the split into shards weighs. */
export interface WeightedSequence {
  name: string;
  frames: number;
}

/** Parses `i/n` (1 <= i <= n), as given to `--shard`. */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(
      `--shard "${text}" is not i/n with 1 <= i <= n.`,
      'Write e.g. --shard 2/4 for the second of four shards, or --shard auto under Slurm or Kubernetes.',
    );
  }
  return { index, count };
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Splits sequences into `count` shards of about equal frames: longest first, each to the shard with the fewest
 * frames so far (the lowest-numbered among equals). Ties between equal lengths are broken by name, so the split
 * depends only on the set of (name, frames) pairs, never on the order they were listed in: shard i of n is the
 * same set on every machine. LaSOT runs from ~1,000 to over 10,000 frames a sequence, where dealing by name
 * round-robin leaves one shard with several long sequences; this greedy split is within 4/3 of the best
 * possible longest shard. Each shard lists its names sorted.
 */
export function balanceShards(sequences: readonly WeightedSequence[], count: number): string[][] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be an integer >= 1, got ${count}`);
  const seen = new Set<string>();
  for (const s of sequences) {
    if (seen.has(s.name)) throw new RangeError(`sequence ${s.name} is listed twice`);
    seen.add(s.name);
  }
  const order = [...sequences].sort((a, b) => b.frames - a.frames || byName(a.name, b.name));
  const shards = Array.from({ length: count }, () => ({ frames: 0, names: [] as string[] }));
  for (const sequence of order) {
    let target = shards[0]!;
    for (const shard of shards) if (shard.frames < target.frames) target = shard;
    target.frames += sequence.frames;
    target.names.push(sequence.name);
  }
  return shards.map((s) => s.names.sort(byName));
}

/** The names of one shard of `sequences` (see `balanceShards`). */
export function selectShard(sequences: readonly WeightedSequence[], shard: Shard): string[] {
  return balanceShards(sequences, shard.count)[shard.index - 1]!;
}
