import type { CommandIo } from '@tamkit/common/cli';
import type { Argv } from 'yargs';
import { applyPass, passOptions } from './pass-io.js';
import { fp32Options, loadLowPrecisionArgs, lowPrecisionSummary, oldList } from './precision-options.js';

/** Former spellings of the fp16 and bf16 keep-FP32 flags. */
export const BLOCK_FLAG_DEPRECATIONS = [oldList('block-ops', 'fp32-ops'), oldList('block-nodes', 'fp32-nodes')];

/** --keep-io-types, --convert-all and the keep-FP32 flags of the native 16-bit conversions. */
export function nativeConversionOptions<T>(y: Argv<T>, io: CommandIo, label: string) {
  return fp32Options(
    passOptions(y, io)
      .option('keep-io-types', {
        type: 'boolean',
        default: false,
        describe: 'Keep FP32 inputs/outputs (Casts at the boundary)',
      })
      .option('convert-all', {
        type: 'boolean',
        default: false,
        describe: `Also convert ops a stack is known to fail on in ${label} (kept FP32 by default, listed in the report)`,
      }),
    io,
    `stay FP32 instead of ${label} (Casts around them)`,
    BLOCK_FLAG_DEPRECATIONS,
  );
}

export function registerFp16(cli: Argv, io: CommandIo): Argv {
  return cli.command(
    'fp16 <model>',
    'Convert an FP32 model to native FP16 (initializers, constants, Casts, dtype attributes, value_info, I/O, If/Loop/Scan bodies)',
    (y) =>
      nativeConversionOptions(y, io, 'FP16')
        .option('clamp-initializers', {
          type: 'boolean',
          default: false,
          describe: 'Clamp stored values beyond ±65504 (default: report only)',
        })
        .example('$0 fp16 encoder.onnx -o encoder.fp16.onnx', 'Native FP16, FP16 I/O')
        .example('$0 fp16 encoder.onnx -o out.onnx --keep-io-types --fp32-ops Softmax', 'FP32 I/O, Softmax in FP32')
        .example('$0 fp16 encoder.onnx -o out.onnx --fp32-patterns attention-scores layernorm', 'With FP32 islands')
        .example('$0 fp16 encoder.onnx -o out.onnx --convert-all', 'Also convert ops a stack is known to fail on'),
    (args) =>
      applyPass(
        args,
        io,
        async () => {
          const [{ convertToFloat16 }, options] = await Promise.all([
            import('../passes/fp16.js'),
            loadLowPrecisionArgs(args),
          ]);
          return (m) => convertToFloat16(m, { ...options(m), clampInitializers: args.clampInitializers });
        },
        (r) =>
          lowPrecisionSummary('fp16', r) +
          (r.outOfRange.length
            ? `\nwarning: ${r.outOfRange.length} tensors hold values beyond ±65504 (${r.clamped ? 'clamped' : 'now ±Inf; --clamp-initializers clamps'}): ` +
              r.outOfRange.map((o) => `${o.tensor} (${o.count})`).join(', ')
            : ''),
      ),
  );
}
