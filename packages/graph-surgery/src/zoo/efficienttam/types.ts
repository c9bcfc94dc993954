/** The shared contract of the EfficientTAM-Ti module builders: one build function per ONNX module. */
import type { FlopsOptions } from '../../inspect/flops.js';
import type { ModelProto } from '../../onnx/types.js';
import type { ZooStyle } from '../builder/module-builder.js';

/** `full`: the published architecture at 512 px. `tiny`: same topology, small widths and depth (unit tests). */
export type ZooSize = 'full' | 'tiny';

/** What every module build function takes. */
export interface ModuleBuildOptions {
  /** Model size (default `full` where a caller defaults it). */
  size: ZooSize;
  /** Weight seed: the same seed gives byte-identical files. */
  seed: number;
  /** Plant trained-ViT-like activation outliers (only modules that have them in the field act on it). */
  outliers: boolean;
  /** Export style (default `export`: what torch.onnx.export writes; `clean`: tidier shape arithmetic). */
  style?: ZooStyle;
}

/**
 * A node whose output carries a planted outlier: what precision tooling should find. `node` is the node name,
 * `tensor` its output, `kind` what overflows in FP16, `detail` a human sentence.
 */
export interface PlantedOutlier {
  node: string;
  tensor: string;
  kind: 'residual-channel' | 'attention-logits' | 'sum-of-squares';
  detail: string;
}

/** What a module build function returns. */
export interface BuiltModule {
  model: ModelProto;
  /** Planted culprits (empty unless `outliers`). */
  plantedOutliers: PlantedOutlier[];
  /**
   * Symbolic dims and small input values at which the manifest's FLOPs are estimated, e.g.
   * `{ dims: { num_mem_tokens: 7232 }, inputValues: { num_obj_ptr_tokens: [64] } }`. Unbound dims count as 1.
   */
  flopsAt?: FlopsOptions;
}

/** The shared signature of the module registry's entries. */
export type ModuleBuildFn = (options: ModuleBuildOptions) => BuiltModule;
