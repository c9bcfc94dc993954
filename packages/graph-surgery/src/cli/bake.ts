import { UsageError } from '@tamkit/common';
import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { bakeModule } from '../passes/bake/bake-module.js';
import { TRACKER_MODULES, type TrackerModule } from '../tracker-modules.js';
import { applyPass, listOption, parseSize, passOptions } from './pass-io.js';

function numbers(values: readonly (string | number)[] | undefined, option: string): number[] | undefined {
  const list = listOption(values)?.map(Number);
  if (list?.some((v) => !Number.isFinite(v))) throw new UsageError(`${option} takes numbers`);
  return list;
}

export function registerBake(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'bake <model>',
    "Move the module's Python glue into the graph (mask resize/box, memory layout, preprocessing)",
    (y) =>
      passOptions(y)
        .option('module', {
          type: 'string',
          choices: TRACKER_MODULES,
          describe: 'Module (default: recognised from the I/O signature)',
        })
        .option('mask-resize', {
          type: 'boolean',
          default: true,
          describe: 'mask_decoder: upsample the mask logits (--no-mask-resize skips)',
        })
        .option('size', {
          type: 'string',
          describe: 'mask_decoder: upsampled size HxW (default 4x the low-res logits)',
        })
        .option('replace-low-res', {
          type: 'boolean',
          default: false,
          describe: 'mask_decoder: drop the low-res output',
        })
        .option('box', {
          type: 'boolean',
          default: false,
          describe: 'mask_decoder: add a box output computed from the low-res logits',
        })
        .option('frame-size', {
          type: 'string',
          describe: 'mask_decoder: frame HxW the box is scaled to (default 4x low-res)',
        })
        .option('low-res-size', {
          type: 'string',
          describe: 'mask_decoder: low-res logits HxW, only where the graph does not let it be inferred (box)',
        })
        .option('threshold', {
          type: 'number',
          default: 0,
          describe: 'mask_decoder: logits above this are foreground (box)',
        })
        .option('memory-inputs', {
          type: 'array',
          string: true,
          describe: 'memory_attention: inputs to take as (B,T,C)',
        })
        .option('resize-input', {
          type: 'boolean',
          default: false,
          describe: 'image_encoder: accept any frame size, resize in the graph',
        })
        .option('mean', { type: 'array', describe: 'image_encoder: per-channel mean in 0..1 (default ImageNet)' })
        .option('std', { type: 'array', describe: 'image_encoder: per-channel std in 0..1 (default ImageNet)' })
        .example('$0 bake mask_decoder.onnx -o md.baked.onnx --box', 'Upsampled masks and a box output')
        .example('$0 bake image_encoder.onnx -o ie.baked.onnx --resize-input', 'uint8 frames of any size in')
        .example('$0 bake mem_attn.onnx -o ma.baked.onnx --module memory_attention', 'Batch-first memory inputs'),
    (args) =>
      applyPass(
        args,
        io,
        (m) =>
          bakeModule(m, {
            module: args.module as TrackerModule | undefined,
            maskResize: args.maskResize && { size: parseSize(args.size, '--size'), replace: args.replaceLowRes },
            maskBox: args.box && {
              frameSize: parseSize(args.frameSize, '--frame-size'),
              lowResSize: parseSize(args.lowResSize, '--low-res-size'),
              threshold: args.threshold,
            },
            memoryLayout: { inputs: listOption(args.memoryInputs) },
            preprocess: {
              resize: args.resizeInput,
              mean: numbers(args.mean, '--mean'),
              std: numbers(args.std, '--std'),
            },
          }),
        (r) => `bake: ${r.module} (${r.recognisedBy}): ${r.applied.join(', ')}`,
      ),
  );
}
