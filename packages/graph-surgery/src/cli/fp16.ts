import type { CliIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { convertToFloat16 } from '../passes/fp16.js';
import { applyPass, passOptions } from './pass-io.js';
import { lowPrecisionArgs, lowPrecisionOptions, lowPrecisionSummary } from './precision-options.js';

export function registerFp16(cli: Argv, io: CliIo): Argv {
  return cli.command(
    'fp16 <model>',
    'Convert an FP32 model to native FP16 (initializers, constants, Casts, dtype attributes, value_info, I/O, If/Loop/Scan bodies)',
    (y) =>
      lowPrecisionOptions(passOptions(y), 'FP16')
        .option('clamp-initializers', {
          type: 'boolean',
          default: false,
          describe: 'Clamp stored values beyond ±65504 (default: report only)',
        })
        .example('$0 fp16 encoder.onnx -o encoder.fp16.onnx', 'Native FP16, FP16 I/O')
        .example('$0 fp16 encoder.onnx -o out.onnx --keep-io-types --block-ops Softmax', 'FP32 I/O, Softmax in FP32')
        .example('$0 fp16 encoder.onnx -o out.onnx --convert-all', 'Also convert ops a stack is known to fail on'),
    (args) =>
      applyPass(
        args,
        io,
        (m) => convertToFloat16(m, { ...lowPrecisionArgs(args), clampInitializers: args.clampInitializers }),
        (r) =>
          lowPrecisionSummary('fp16', r) +
          (r.outOfRange.length
            ? `\nwarning: ${r.outOfRange.length} tensors hold values beyond ±65504 (${r.clamped ? 'clamped' : 'now ±Inf; --clamp-initializers clamps'}): ` +
              r.outOfRange.map((o) => `${o.tensor} (${o.count})`).join(', ')
            : ''),
      ),
  );
}
