/** Parsing NAME=VALUE options (`--dim num_mem_tokens=7232`, `--value num_obj_ptr_tokens=64`, `--shape x=1,3,8`). */
import { UsageError } from '@tamkit/common';

/**
 * Parses NAME=V[,V...] items into single values (the first) and value lists; `maxValues` limits the list length.
 * Values must be integers.
 */
export function parseAssignments(
  items: readonly string[],
  flag: string,
  maxValues = Number.POSITIVE_INFINITY,
): [Record<string, number>, Record<string, number[]>] {
  const single: Record<string, number> = {};
  const lists: Record<string, number[]> = {};
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    const name = item.slice(0, eq);
    const values = item
      .slice(eq + 1)
      .split(',')
      .map(Number);
    if (eq <= 0 || values.length > maxValues || values.some((v) => !Number.isInteger(v))) {
      throw new UsageError(`${flag} ${item}: expected NAME=${maxValues === 1 ? 'INTEGER' : 'INTEGER[,INTEGER...]'}`);
    }
    single[name] = values[0]!;
    lists[name] = values;
  }
  return [single, lists];
}
