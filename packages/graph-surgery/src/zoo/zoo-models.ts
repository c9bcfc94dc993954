/** Models the zoo can build (a leaf module: the CLI reads it without loading the builders). */
export const ZOO_MODELS = ['efficienttam-ti'] as const;
export type ZooModel = (typeof ZOO_MODELS)[number];

/** Sizes of a zoo: `full` (published sizes) or `tiny` (same topology, small widths). */
export const ZOO_SIZES = ['full', 'tiny'] as const;

/**
 * Graph styles (module-builder.ts describes them): `export`, the graphs torch.onnx.export writes; `clean`, the
 * same modules and weights with tidier shape arithmetic.
 */
export type ZooStyle = 'export' | 'clean';
export const ZOO_STYLES: readonly ZooStyle[] = ['export', 'clean'];
