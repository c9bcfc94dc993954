/**
 * The named node patterns (a leaf module: the CLI reads the names without loading the pattern finders);
 * `patterns/select.ts` says which nodes each covers.
 */
export const NODE_PATTERNS = ['attention-scores', 'attention', 'layernorm', 'softmax', 'mixed'] as const;
export type NodePattern = (typeof NODE_PATTERNS)[number];

/** The `mixed` preset's default: a values MatMul reducing over at least this many keys stays FP32. */
export const LONG_REDUCTION = 2048;

export function isNodePattern(name: string): name is NodePattern {
  return (NODE_PATTERNS as readonly string[]).includes(name);
}
