/** The four tracker modules `bake` knows (a leaf module: the CLI reads it without loading the passes). */
export const MODULES = ['image_encoder', 'memory_attention', 'mask_decoder', 'memory_encoder'] as const;
export type ModuleKind = (typeof MODULES)[number];
