/**
 * The named node patterns (a leaf module: the CLI reads the names without loading the pattern finders);
 * `patterns/select.ts` says which nodes each covers.
 */
export const NODE_PATTERNS = ['attention-scores', 'attention', 'layernorm', 'softmax'] as const;
export type NodePattern = (typeof NODE_PATTERNS)[number];

export function isNodePattern(name: string): name is NodePattern {
  return (NODE_PATTERNS as readonly string[]).includes(name);
}
