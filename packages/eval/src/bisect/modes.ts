/**
 * How bisect makes candidates (a leaf module: the CLI reads the names without loading the search):
 * graph edits (`emulate`, `native`) or TensorRT engines from plans (`engine`).
 */
export const FP16_MODES = ['emulate', 'native'] as const;
export type Fp16Mode = (typeof FP16_MODES)[number];

export type BisectMode = Fp16Mode | 'engine';
export const BISECT_MODES: readonly BisectMode[] = ['emulate', 'native', 'engine'];
