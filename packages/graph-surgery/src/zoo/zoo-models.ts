/** Models the zoo can build (a leaf module: the CLI reads it without loading the builders). */
export const ZOO_MODELS = ['efficienttam-ti'] as const;
export type ZooModel = (typeof ZOO_MODELS)[number];

/** Sizes of a zoo: `full` (published sizes) or `tiny` (same topology, small widths). */
export const ZOO_SIZES = ['full', 'tiny'] as const;
