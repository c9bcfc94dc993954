import type { CommandIo } from '@tamkit/common/cli';
import { checkNumber, swapSize, withDeprecatedFlags } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { TRACKER_MODULES, type TrackerModule } from '../tracker-modules.js';
import { applyPass, listOption, parseSize, passOptions } from './pass-io.js';

function numbers(values: readonly (string | number)[] | undefined, option: string, positive: boolean) {
  return listOption(values)?.map((v) => checkNumber(option, v, positive ? { above: 0 } : {}));
}

export function registerBake(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'bake <model>',
    "Move the module's Python glue into the graph (mask resize/box, memory layout, preprocessing)",
    (y) =>
      withDeprecatedFlags(
        passOptions(y, io)
          .option('module', {
            type: 'string',
            choices: TRACKER_MODULES,
            describe: 'Module (default: recognised from the I/O signature)',
          })
          .option('mask-output', {
            type: 'string',
            describe: 'mask_decoder: the mask-logits output to resize and box (default: its one rank-4 float output)',
          })
          .option('mask-resize', {
            type: 'boolean',
            default: true,
            describe: 'mask_decoder: upsample the mask logits (--no-mask-resize skips)',
          })
          .option('mask-size', {
            type: 'string',
            describe: 'mask_decoder: upsampled mask size WxH (default 4x the low-res logits)',
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
          .option('video-size', {
            type: 'string',
            describe: 'mask_decoder: video frame size WxH the box is scaled to (default 4x low-res)',
          })
          .option('low-res-size', {
            type: 'string',
            describe: 'mask_decoder: low-res logits WxH, only where the graph does not let it be inferred (box)',
          })
          .option('mask-threshold', {
            type: 'number',
            nargs: 1,
            default: 0,
            describe: 'mask_decoder: logits above this are foreground (box)',
            coerce: (v: number) => checkNumber('--mask-threshold', v, {}),
          })
          .option('memory-layout', {
            type: 'boolean',
            default: true,
            describe: 'memory_attention: take the memory inputs as (B,T,C) (--no-memory-layout skips)',
          })
          .option('memory-inputs', {
            type: 'array',
            string: true,
            describe: 'memory_attention: inputs to take as (B,T,C)',
          })
          .option('feature-layout', {
            type: 'string',
            describe:
              "memory_attention: take and give the image maps' layout [1,C,H,W] of this map size WxH (e.g. 32x32), as the tracking loop does; needed to merge it with the mask decoder",
          })
          .option('memory-mask', {
            type: 'boolean',
            default: false,
            describe:
              "memory_encoder: make its mask input in the graph from the decoder's low-res logits (resize, sigmoid, scale and bias inputs), as the tracking loop does",
          })
          .option('resize-input', {
            type: 'boolean',
            default: false,
            describe: 'image_encoder: accept any frame size, resize in the graph',
          })
          .option('mean', { type: 'array', describe: 'image_encoder: per-channel mean in 0..1 (default ImageNet)' })
          .option('std', { type: 'array', describe: 'image_encoder: per-channel std in 0..1, > 0 (default ImageNet)' })
          .example('$0 bake mask_decoder.onnx -o md.baked.onnx --box', 'Upsampled masks and a box output')
          .example(
            '$0 bake mask_decoder.onnx -o md.baked.onnx --box --video-size 1280x720',
            'Box in the pixels of 1280x720 frames',
          )
          .example('$0 bake image_encoder.onnx -o ie.baked.onnx --resize-input', 'uint8 frames of any size in')
          .example('$0 bake mem_attn.onnx -o ma.baked.onnx --module memory_attention', 'Batch-first memory inputs')
          .example(
            '$0 bake mem_attn.onnx -o ma.maps.onnx --no-memory-layout --feature-layout 32x32',
            'Features in and out as [1,C,32,32] maps (to merge with the mask decoder)',
          )
          .example('$0 bake mem_enc.onnx -o me.baked.onnx --memory-mask', 'Mask for memory made from the logits'),
        io,
        [
          // The old size flags took height first; the new ones take width first, like every size in tamkit.
          { flag: 'size', replacement: 'mask-size', convert: swapSize, hint: '--mask-size WxH (width first)' },
          { flag: 'frame-size', replacement: 'video-size', convert: swapSize, hint: '--video-size WxH (width first)' },
          { flag: 'threshold', replacement: 'mask-threshold', option: { type: 'number' } },
        ],
      ),
    (args) => {
      const maskOutput = args.maskOutput === undefined ? {} : { maskOutput: args.maskOutput };
      const options = {
        module: args.module as TrackerModule | undefined,
        maskResize: args.maskResize && {
          size: parseSize(args.maskSize, '--mask-size'),
          replace: args.replaceLowRes,
          ...maskOutput,
        },
        maskBox: args.box && {
          frameSize: parseSize(args.videoSize, '--video-size'),
          lowResSize: parseSize(args.lowResSize, '--low-res-size'),
          threshold: args.maskThreshold,
          ...maskOutput,
        },
        memoryLayout: args.memoryLayout && { inputs: listOption(args.memoryInputs) },
        ...featureLayoutOption(args.featureLayout),
        memoryMask: args.memoryMask,
        preprocess: {
          resize: args.resizeInput,
          mean: numbers(args.mean, '--mean', false),
          std: numbers(args.std, '--std', true),
        },
      };
      return applyPass(
        args,
        io,
        async () => {
          const { bakeModule } = await import('../passes/bake/bake-module.js');
          return (m) => bakeModule(m, options);
        },
        (r) => `bake: ${r.module} (${r.recognisedBy}): ${r.applied.join(', ')}`,
      );
    },
  );
}

/** --feature-layout WxH as bakeModule's featureLayout option. */
function featureLayoutOption(text: string | undefined): { featureLayout?: { height: number; width: number } } {
  const size = parseSize(text, '--feature-layout');
  return size === undefined ? {} : { featureLayout: { height: size[0], width: size[1] } };
}
