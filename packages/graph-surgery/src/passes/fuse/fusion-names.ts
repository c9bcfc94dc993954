/** The fusions `fuseForOrt` knows (a leaf module: the CLI reads the names without loading the passes). */
export const FUSIONS = ['casts', 'layernorm', 'skip-layernorm', 'gelu', 'bias-gelu'] as const;
export type FusionName = (typeof FUSIONS)[number];
