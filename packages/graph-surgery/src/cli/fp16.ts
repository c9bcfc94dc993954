import type { Argv } from 'yargs';
import type { CliIo } from '../cli-support/index.js';
import { convertToFloat16 } from '../passes/fp16.js';
import { applyPass, listOption, passOptions } from './pass-io.js';

export function registerFp16(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'fp16 <model>',
    'Convert an FP32 model to native FP16 (initializers, constants, Casts, dtype attributes, value_info, I/O)',
    (y) =>
      passOptions(y)
        .option('keep-io-types', {
          type: 'boolean',
          default: false,
          describe: 'Keep FP32 inputs/outputs (Casts at the boundary)',
        })
        .option('block-ops', { type: 'array', string: true, describe: 'Op types that stay FP32 (Casts around them)' })
        .option('block-nodes', {
          type: 'array',
          string: true,
          describe: 'Node names that stay FP32 (Casts around them)',
        })
        .option('clamp-initializers', {
          type: 'boolean',
          default: false,
          describe: 'Clamp stored values beyond ±65504 (default: report only)',
        })
        .example('$0 fp16 encoder.onnx -o encoder.fp16.onnx', 'Native FP16, FP16 I/O')
        .example('$0 fp16 encoder.onnx -o out.onnx --keep-io-types --block-ops Softmax', 'FP32 I/O, Softmax in FP32'),
    (args) =>
      applyPass(
        args,
        io,
        (m) =>
          convertToFloat16(m, {
            keepIoTypes: args.keepIoTypes,
            blockOps: listOption(args.blockOps),
            blockNodes: listOption(args.blockNodes),
            clampInitializers: args.clampInitializers,
          }),
        (r) =>
          `fp16: ${r.initializersConverted} initializers, ${r.constantsConverted} constants, ${r.castsRetargeted} Casts, ` +
          `${r.dtypeFixes.length} dtype fixes; ${r.blockedNodes} nodes blocked and ${r.floatOnlyNodes.length} without an ` +
          `FP16 form kept FP32 (${r.castsInserted} Casts added, ` +
          `${r.castsRemoved} removed)` +
          (r.outOfRange.length
            ? `\nwarning: ${r.outOfRange.length} tensors hold values beyond ±65504 (${r.clamped ? 'clamped' : 'now ±Inf; --clamp-initializers clamps'}): ` +
              r.outOfRange.map((o) => `${o.tensor} (${o.count})`).join(', ')
            : ''),
      ),
  );
}
