/** Applies the bakes of one module, recognised from its I/O signature or named. */
import { ToolkitError } from '@tamkit/common';
import type { ModelProto } from '../../onnx/types.js';
import type { TrackerModule } from '../../tracker-modules.js';
import { bakeFeatureLayout, type FeatureLayoutOptions, type FeatureLayoutReport } from './feature-layout.js';
import { bakeMaskBox, type MaskBoxOptions, type MaskBoxReport } from './mask-box.js';
import { bakeMaskResize, type MaskResizeOptions, type MaskResizeReport } from './mask-resize.js';
import { bakeMemoryLayout, type MemoryLayoutOptions, type MemoryLayoutReport } from './memory-layout.js';
import { bakeMemoryMask, type MemoryMaskOptions, type MemoryMaskReport } from './memory-mask.js';
import { bakePreprocess, type PreprocessOptions, type PreprocessReport } from './preprocess.js';
import { assertModule, recognizeModule } from './recognize.js';

export interface BakeModuleOptions {
  /** The module (default: recognised from the I/O signature; when given, the signature must fit it). */
  module?: TrackerModule;
  /** mask_decoder: upsample the mask logits in the graph (default true); `false` skips it. */
  maskResize?: boolean | MaskResizeOptions;
  /** mask_decoder: add the in-graph box output (default false). */
  maskBox?: boolean | MaskBoxOptions;
  /** memory_attention: take memory inputs as (B, T, C) (default true). */
  memoryLayout?: boolean | MemoryLayoutOptions;
  /**
   * memory_attention: take the current features and pos-enc and give the output as [1, C, H, W] maps, the image
   * encoder's and mask decoder's layout (default off; the tracking loop applies it at load). Needed to merge it
   * with the mask decoder (`mergeModels`).
   */
  featureLayout?: FeatureLayoutOptions;
  /**
   * memory_encoder: make its mask input from the chosen low-res logits in the graph (resize, sigmoid, scale and
   * bias inputs; default off: the tracking loop applies it at load). The module's only bake.
   */
  memoryMask?: boolean | MemoryMaskOptions;
  /** image_encoder: uint8 HWC frame in, normalisation in the graph (default true). */
  preprocess?: boolean | PreprocessOptions;
}

export interface BakeModuleReport {
  module: TrackerModule;
  /** How the module was chosen. */
  recognisedBy: string;
  applied: string[];
  maskResize?: MaskResizeReport;
  maskBox?: MaskBoxReport;
  memoryLayout?: MemoryLayoutReport;
  featureLayout?: FeatureLayoutReport;
  memoryMask?: MemoryMaskReport;
  preprocess?: PreprocessReport;
}

const options = <T extends object>(flag: boolean | T | undefined, byDefault: boolean): T | undefined => {
  if (flag === undefined) return byDefault ? ({} as T) : undefined;
  if (flag === false) return undefined;
  return flag === true ? ({} as T) : flag;
};

/** Applies the module's bakes (the input model is not changed). */
export function bakeModule(
  model: ModelProto,
  opts: BakeModuleOptions = {},
): { model: ModelProto; report: BakeModuleReport } {
  let module: TrackerModule;
  let recognisedBy: string;
  if (opts.module) {
    assertModule(model, opts.module);
    module = opts.module;
    recognisedBy = 'named';
  } else {
    ({ module, reason: recognisedBy } = recognizeModule(model));
  }
  const report: BakeModuleReport = { module, recognisedBy, applied: [] };
  let out = model;
  switch (module) {
    case 'mask_decoder': {
      // The box reads the low-res logits, so it goes first: resizing may replace that output.
      const box = options<MaskBoxOptions>(opts.maskBox, false);
      if (box) {
        const r = bakeMaskBox(out, box);
        out = r.model;
        report.maskBox = r.report;
        report.applied.push('mask-box');
      }
      const resize = options<MaskResizeOptions>(opts.maskResize, true);
      if (resize) {
        const r = bakeMaskResize(out, { maskOutput: report.maskBox?.input, ...resize });
        out = r.model;
        report.maskResize = r.report;
        report.applied.push('mask-resize');
      }
      break;
    }
    case 'memory_attention': {
      const layout = options<MemoryLayoutOptions>(opts.memoryLayout, true);
      if (layout) {
        const r = bakeMemoryLayout(out, layout);
        out = r.model;
        report.memoryLayout = r.report;
        report.applied.push('memory-layout');
      }
      if (opts.featureLayout) {
        const r = bakeFeatureLayout(out, opts.featureLayout);
        out = r.model;
        report.featureLayout = r.report;
        report.applied.push('feature-layout');
      }
      break;
    }
    case 'image_encoder': {
      const pre = options<PreprocessOptions>(opts.preprocess, true);
      if (pre) {
        const r = bakePreprocess(out, pre);
        out = r.model;
        report.preprocess = r.report;
        report.applied.push('preprocess');
      }
      break;
    }
    case 'memory_encoder': {
      const mask = options<MemoryMaskOptions>(opts.memoryMask, false);
      if (!mask) {
        throw new ToolkitError(
          'BAKE_NONE',
          'bake: memory_encoder has no default bakes (its mask input is computed by the caller)',
          { remedy: 'Ask for its one bake, the mask made in the graph from the logits (--memory-mask, memoryMask).' },
        );
      }
      const r = bakeMemoryMask(out, mask);
      out = r.model;
      report.memoryMask = r.report;
      report.applied.push('memory-mask');
      break;
    }
  }
  if (report.applied.length === 0) {
    throw new ToolkitError('BAKE_NONE', `bake: every bake of ${module} was switched off`, {
      remedy: 'Leave at least one of its bakes on.',
    });
  }
  return { model: out, report };
}
